import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { isPromiseLike } from "../maybe-promise.js";
import { ChatStreamTranslator, type ConvertChatStreamOptions } from "../translate/chat-stream-to-events.js";
import { chunkBatches, isFinalBatch } from "./chat-chunk-stream.js";

/**
 * Like `convertChatStreamToEvents`, but yields the events of each upstream chunk as one array (chunks
 * that produce no event yield nothing), so a writer can send them in one write. When `chunks` comes from
 * a built-in upstream (see `chatChunkStream`), one array holds the events of every chunk of one
 * network read, and the read that ends the stream (it held `[DONE]`) shares its array with the closing
 * events, through the terminal one. The events, in order, are exactly those of `convertChatStreamToEvents`.
 */
export function translateChatStream(
  chunks: AsyncIterable<ChatCompletionChunk>,
  options: ConvertChatStreamOptions,
): AsyncGenerator<ResponseStreamEvent[], void, undefined> {
  return translateChatStreamWith(chunks, options, (events) => events);
}

/** `setImmediate` where the runtime has it (Node, Bun), else a zero timeout: the end of this event-loop turn. */
const setImmediateOf = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
const nextTurn: (callback: () => void) => unknown = setImmediateOf ?? ((callback) => setTimeout(callback, 0));

/** Whether `promise` settles before this event-loop turn ends, that is without waiting for any I/O. */
function settlesThisTurn(promise: PromiseLike<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = () => {
      settled = true;
      resolve(true);
    };
    promise.then(done, done);
    nextTurn(() => {
      if (!settled) resolve(false);
    });
  });
}

/**
 * {@link translateChatStream} with each array of events mapped by `emit` (the handler encodes them to
 * SSE text there, so no second generator sits on every read), and `onClose` called on every exit with
 * whether the stream was read to its end. Internal: not exported from the package.
 */
export async function* translateChatStreamWith<T>(
  chunks: AsyncIterable<ChatCompletionChunk>,
  options: ConvertChatStreamOptions,
  emit: (events: ResponseStreamEvent[]) => T,
  onClose?: (finished: boolean) => void,
): AsyncGenerator<T, void, undefined> {
  let finished = false;
  try {
    const translator = new ChatStreamTranslator(options);
    let out: ResponseStreamEvent[] = [];
    translator.start(out);
    yield emit(out);
    // The events of a stream's final batch wait for the closing ones: the end of the reply leaves in one piece.
    let held = false;
    try {
      for await (const batch of chunkBatches(chunks)) {
        out = [];
        for (let index = 0; index < batch.length; index++) translator.push(batch[index]!, out);
        held = isFinalBatch(batch);
        if (out.length > 0 && !held) yield emit(out);
      }
    } catch (error) {
      if (options.signal?.aborted) return;
      if (!held) out = [];
      const failed = translator.fail(error, out);
      options.onFail?.(failed, error);
      yield emit(out);
      finished = true;
      return;
    }
    if (!held) out = [];
    const final = translator.finish(out);
    const saving: unknown = options.onFinish?.(final);
    if (isPromiseLike(saving)) {
      // A store that answers at once (in memory) lets the end of the reply leave in one piece; one that
      // waits on I/O (Redis) must not hold the reply's last text back until it has answered.
      if (held && out.length > 0 && !(await settlesThisTurn(saving))) {
        yield emit(out);
        out = [];
      }
      await saving;
    }
    translator.end(final, out);
    yield emit(out);
    finished = true;
  } finally {
    onClose?.(finished);
  }
}
