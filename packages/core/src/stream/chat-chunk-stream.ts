import type { ChatCompletionChunk } from "openai/resources/chat/completions";

/**
 * The private key under which a built-in upstream's chunk stream also offers its chunks grouped by network
 * read. Non-enumerable and not part of the `ChatUpstream` contract: a stream without it is read chunk by
 * chunk, with the same events. `Symbol.for`, so two copies of the package (ESM and CJS) still agree.
 */
const CHUNK_BATCHES: unique symbol = Symbol.for("responses-bridge.chunkBatches") as never;

type MaybeBatched = AsyncIterable<ChatCompletionChunk> & {
  [CHUNK_BATCHES]?: () => AsyncIterable<ChatCompletionChunk[]>;
};

/**
 * A streamed chat reply, as `ChatUpstream.stream` resolves with it: a single-consumer async iterable
 * of chunks.
 */
export type ChatChunkStream = AsyncIterable<ChatCompletionChunk>;

/**
 * Batches (as `readChatStreamBatches` yields them) as a chunk stream: iterable chunk by chunk, and, through
 * the private {@link chunkBatches}, batch by batch. `onEnd` runs once the stream was read to its end,
 * failed or was returned early.
 */
export function chatChunkStream(
  batches: AsyncIterator<ChatCompletionChunk[], void, undefined>,
  onEnd?: () => void,
): ChatChunkStream {
  const source = onEnd ? new EndWatcher(batches, onEnd) : batches;
  const iterable: AsyncIterable<ChatCompletionChunk[]> = { [Symbol.asyncIterator]: () => source };
  const stream: ChatChunkStream = {
    async *[Symbol.asyncIterator]() {
      for await (const batch of iterable) yield* batch;
    },
  };
  Object.defineProperty(stream, CHUNK_BATCHES, { value: () => iterable });
  return stream;
}

/**
 * Passes an iterator through and calls `onEnd` once when it finishes, fails or is returned. An
 * iterator rather than a wrapping generator: it sits on every network read of a stream.
 */
class EndWatcher<T> implements AsyncIterator<T, void, undefined> {
  readonly #source: AsyncIterator<T, void, undefined>;
  #onEnd: (() => void) | undefined;
  readonly #onResult = (result: IteratorResult<T, void>) => {
    if (result.done) this.#end();
    return result;
  };
  readonly #onError = (error: unknown) => {
    this.#end();
    throw error;
  };

  constructor(source: AsyncIterator<T, void, undefined>, onEnd: () => void) {
    this.#source = source;
    this.#onEnd = onEnd;
  }

  next(): Promise<IteratorResult<T, void>> {
    return this.#source.next().then(this.#onResult, this.#onError);
  }

  async return(): Promise<IteratorResult<T, void>> {
    try {
      return (await this.#source.return?.()) ?? { value: undefined, done: true };
    } finally {
      this.#end();
    }
  }

  #end(): void {
    const onEnd = this.#onEnd;
    this.#onEnd = undefined;
    onEnd?.();
  }
}

/**
 * The chunks of `chunks` grouped per network read when the stream offers that (the built-in upstreams'
 * streams, see {@link chatChunkStream}), else one by one.
 */
export function chunkBatches(
  chunks: AsyncIterable<ChatCompletionChunk>,
): AsyncIterable<ChatCompletionChunk[]> {
  const batches = (chunks as MaybeBatched)[CHUNK_BATCHES];
  if (typeof batches === "function") return batches.call(chunks);
  return (async function* () {
    for await (const chunk of chunks) yield [chunk];
  })();
}

/** Set on the batch after which a stream is known to end well (it held `[DONE]`, or the body ended after a finish). */
const FINAL_BATCH: unique symbol = Symbol.for("responses-bridge.finalBatch") as never;

/** Marks `batch` as the last of its stream: a reader may finish the reply with its events (no write of their own). */
export function markFinalBatch(batch: ChatCompletionChunk[]): void {
  (batch as ChatCompletionChunk[] & { [FINAL_BATCH]?: true })[FINAL_BATCH] = true;
}

/** Whether `batch` was marked with {@link markFinalBatch}. */
export function isFinalBatch(batch: readonly ChatCompletionChunk[]): boolean {
  return (batch as readonly ChatCompletionChunk[] & { [FINAL_BATCH]?: true })[FINAL_BATCH] === true;
}
