/**
 * A response body as the upstream clients hand it over: a web `ReadableStream` (from `fetch`) or any
 * async iterable of byte chunks (a Node `IncomingMessage`, `@responses-bridge/node`'s `nodeFetch` body).
 * An async iterable's `return()` must end a read still pending and release the connection.
 */
export type UpstreamBody = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** One reader over either kind of body: `read()` one network read at a time, `cancel()` at most once. */
export interface ByteReader {
  read(): Promise<IteratorResult<Uint8Array, undefined>>;
  /** Stops reading and releases the body; pending reads settle. Never rejects. */
  cancel(): Promise<void>;
  /**
   * Lets go of a body whose message ended (after `data: [DONE]`) without aborting the transfer, so its
   * connection can be reused. Never rejects.
   */
  release(): Promise<void>;
}

/** Opens a {@link ByteReader} on `body`. */
export function openByteReader(body: UpstreamBody): ByteReader {
  if (typeof (body as ReadableStream<Uint8Array>).getReader === "function") {
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    let released = false;
    return {
      read: () => reader.read() as Promise<IteratorResult<Uint8Array, undefined>>,
      async cancel() {
        if (released) return;
        released = true;
        await reader.cancel().catch(() => {});
        reader.releaseLock();
      },
      async release() {
        if (released) return;
        released = true;
        reader.releaseLock();
      },
    };
  }
  const iterator = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  let cancelled = false;
  const cancel = async () => {
    if (cancelled) return;
    cancelled = true;
    await Promise.resolve(iterator.return?.()).catch(() => {});
  };
  return {
    read: () => iterator.next() as Promise<IteratorResult<Uint8Array, undefined>>,
    cancel,
    release: cancel,
  };
}
