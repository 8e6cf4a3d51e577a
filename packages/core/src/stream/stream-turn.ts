import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { mapContextOverflow, ResponsesBridgeError, toBridgeError } from "../errors.js";
import { objectWith } from "../object-with.js";
import { ChatStreamTranslator } from "../translate/chat-stream-to-events.js";
import type { ReplyOptions } from "../translate/reply/reply-options.js";
import type { ResponseObject, TranslationEnvironment } from "../types.js";
import { chatChunkStream, chunkBatches } from "./chat-chunk-stream.js";
import { encodeSSEEvent, encodeTranslatorEvent } from "./encode-sse-event.js";
import { withKeepAlive } from "./keep-alive.js";
import { translateChatStreamWith } from "./translate-batches.js";

/** A streaming upstream call that was accepted: its chunks, and the reply options of the target that took it. */
export interface AcceptedStream {
  chunks: AsyncIterable<ChatCompletionChunk>;
  reply: ReplyOptions;
}

/** What {@link streamTurn} needs: the upstream call in flight, the turn being built, and its hooks. */
export interface StreamTurnOptions {
  /** The upstream call, started by the caller (fallback included); it rejects when every target refused. */
  upstream: Promise<AcceptedStream>;
  /** Reply options used while the upstream has not answered yet (the first target's; tool bindings agree). */
  pendingReply: ReplyOptions;
  /** The in-progress Response object. */
  response: ResponseObject;
  environment: TranslationEnvironment;
  /** The stream's own abort controller (tied to the client's signal); aborted when the stream ends early. */
  controller: AbortController;
  /** Detaches the controller from the client's signal; called once on every exit. */
  release: () => void;
  /** Keep-alive interval; also how long the upstream's headers are awaited before the stream starts. 0: off. */
  keepAliveMs: number;
  /** `"events"`: a refusal before the first byte is answered in band (`response.failed`), else as an HTTP error. */
  streamErrors: "http" | "events" | undefined;
  /** Per event, before it is encoded (the `onEvent` hook). When absent, the template encoder runs alone. */
  onEvent: ((event: ResponseStreamEvent) => void) | undefined;
  /** Renames events for a dialect other than OpenAI's (before `onEvent`); absent for the default dialect. */
  toDialect?: ((event: ResponseStreamEvent) => ResponseStreamEvent) | undefined;
  /** Called once, as the first delta event is about to be encoded (the time to first token). */
  onFirstDelta?: (() => void) | undefined;
  /** Saves the final Response; runs before the terminal event is sent (save-before-terminal). */
  onFinish: (final: ResponseObject) => void | Promise<void>;
  /** The stream failed after it began (or in band before it): the failed Response and the failure. */
  onFail: (failed: ResponseObject, error: unknown) => void;
}

/** Sleeps `ms`, resolving "timeout"; the returned cancel clears the timer. */
function timeout(ms: number): { promise: Promise<"timeout">; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<"timeout">((resolve) => {
    timer = setTimeout(resolve, ms, "timeout");
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * An upstream failure as a stream failure: context overflows become `context_length_exceeded`, and a
 * 429 says "Please try again in Ns." (from `retry-after`), the wording Codex reads its back-off from.
 */
export function toStreamFailure(error: unknown): ResponsesBridgeError {
  const bridgeError = mapContextOverflow(toBridgeError(error));
  if (bridgeError.status !== 429) return bridgeError;
  const retryAfter = Number(bridgeError.headers["retry-after"]);
  const seconds = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter) : 1;
  return new ResponsesBridgeError(
    `Rate limit reached for the upstream model. Please try again in ${seconds}s.`,
    {
      status: 429,
      type: "rate_limit_error",
      code: "rate_limit_exceeded",
      headers: bridgeError.headers,
      cause: bridgeError,
    },
  );
}

/** The chunks of an upstream call still in flight: its failure becomes a stream failure. */
function awaitChunks(pending: Promise<AcceptedStream>): AsyncIterable<ChatCompletionChunk> {
  const settled = pending.then(
    (accepted) => accepted.chunks,
    (error: unknown) => {
      throw toStreamFailure(error);
    },
  );
  // Observed here too: a stream that is never read must not leave an unhandled rejection.
  settled.catch(() => {});
  return chatChunkStream(
    (async function* () {
      yield* chunkBatches(await settled);
    })(),
  );
}

/**
 * Each read's events as one piece of SSE text. With an `onEvent` hook, the hook sees every event first and
 * what it may have changed is serialised as it is; without one, the template encoder writes the deltas.
 * `onFirstDelta` is called once, before the first delta event is encoded.
 */
function createEncoder(
  onEvent: ((event: ResponseStreamEvent) => void) | undefined,
  toDialect: ((event: ResponseStreamEvent) => ResponseStreamEvent) | undefined,
  onFirstDelta?: (() => void) | undefined,
): (events: ResponseStreamEvent[]) => string {
  const encode = createEventEncoder(onEvent, toDialect);
  if (!onFirstDelta) return encode;
  let waiting = true;
  return (events) => {
    if (waiting && events.some((event) => event.type.endsWith(".delta"))) {
      waiting = false;
      onFirstDelta();
    }
    return encode(events);
  };
}

function createEventEncoder(
  onEvent: ((event: ResponseStreamEvent) => void) | undefined,
  toDialect: ((event: ResponseStreamEvent) => ResponseStreamEvent) | undefined,
): (events: ResponseStreamEvent[]) => string {
  // The default dialect without a hook keeps the template encoder: a dialect costs nothing when unused.
  if (onEvent || toDialect) {
    return (events) => {
      let text = "";
      for (let event of events) {
        if (toDialect) event = toDialect(event);
        onEvent?.(event);
        text += encodeSSEEvent(event);
      }
      return text;
    };
  }
  return encodeTranslatorEvents;
}

/**
 * The events of one read as SSE text, by the template encoder: one function for every stream rather than
 * a closure per stream (see `upstream/linked-abort.ts`).
 */
function encodeTranslatorEvents(events: ResponseStreamEvent[]): string {
  let text = "";
  for (let index = 0; index < events.length; index++) text += encodeTranslatorEvent(events[index]!);
  return text;
}

/** The whole answer to a call refused before the first byte, in band: created, in_progress, failed. */
function failedInBand(
  options: StreamTurnOptions,
  error: unknown,
  encode: (events: ResponseStreamEvent[]) => string,
) {
  const failure = toStreamFailure(error);
  const translator = new ChatStreamTranslator({
    response: options.response,
    environment: options.environment,
  });
  const events: ResponseStreamEvent[] = [];
  translator.start(events);
  const failed = translator.fail(failure, events);
  options.onFail(failed, failure);
  const text = encode(events);
  return (async function* () {
    yield text;
  })();
}

/**
 * The byte pipeline of one streamed turn: upstream chunk batches -> translator -> SSE encoder ->
 * save-before-terminal -> keep-alive. Resolves with the SSE text pieces to write (one per network read),
 * or rejects with the error to answer over HTTP when the upstream refused before the stream began.
 *
 * The upstream's headers are awaited for one keep-alive interval: a refusal before then is an HTTP error;
 * a slower upstream (long prompt processing) gets the stream started and kept alive instead.
 */
export async function streamTurn(options: StreamTurnOptions): Promise<AsyncIterable<string>> {
  const { upstream, controller, release, keepAliveMs } = options;
  const encode = createEncoder(options.onEvent, options.toDialect, options.onFirstDelta);
  let accepted: AcceptedStream;
  try {
    if (keepAliveMs > 0) {
      const grace = timeout(keepAliveMs);
      const first = await Promise.race([upstream, grace.promise]);
      grace.cancel();
      accepted = first === "timeout" ? { chunks: awaitChunks(upstream), reply: options.pendingReply } : first;
    } else {
      accepted = await upstream;
    }
  } catch (error) {
    release();
    if (options.streamErrors !== "events" || controller.signal.aborted)
      throw mapContextOverflow(toBridgeError(error));
    return failedInBand(options, error, encode);
  }
  // The race may leave the upstream promise unobserved for a moment; its rejection is handled by the stream.
  upstream.catch(() => {});

  const pieces = translateChatStreamWith(
    accepted.chunks,
    objectWith(accepted.reply, {
      response: options.response,
      environment: options.environment,
      signal: controller.signal,
      onFinish: options.onFinish,
      onFail: options.onFail,
    }),
    encode,
    (finished) => {
      release();
      // Ends the upstream request if the client left early (not on a normal finish: an abort builds an
      // error with a stack trace per stream).
      if (!finished) controller.abort();
    },
  );
  return withKeepAlive(pieces, keepAliveMs);
}
