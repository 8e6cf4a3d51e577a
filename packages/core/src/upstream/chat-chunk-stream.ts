import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { ChatChunkStream } from "../types.js";

/**
 * Batches (as `readChatStreamBatches` yields them) as a {@link ChatChunkStream}: iterable chunk by chunk, or
 * batch by batch. `onEnd` runs once the stream was read to its end, failed or was returned early.
 */
export function chatChunkStream(
  batches: AsyncGenerator<ChatCompletionChunk[], void, undefined>,
  onEnd?: () => void,
): ChatChunkStream {
  const source = onEnd
    ? (async function* () {
        try {
          yield* batches;
        } finally {
          onEnd();
        }
      })()
    : batches;
  return {
    batches: () => source,
    async *[Symbol.asyncIterator]() {
      for await (const batch of source) yield* batch;
    },
  };
}

/** The chunks of `chunks` grouped per network read when it offers that ({@link ChatChunkStream}), else one by one. */
export function chunkBatches(
  chunks: AsyncIterable<ChatCompletionChunk> | ChatChunkStream,
): AsyncIterable<ChatCompletionChunk[]> {
  if (typeof (chunks as ChatChunkStream).batches === "function") return (chunks as ChatChunkStream).batches();
  return (async function* () {
    for await (const chunk of chunks) yield [chunk];
  })();
}
