import {
  type ResponsesBridgeError,
  upstreamConnectionError,
  upstreamResponseTooLarge,
  upstreamTimeout,
} from "../errors.js";
import { startWatchdog, type Watchdog } from "./watchdog.js";

/**
 * A streaming UTF-8 decoder, called as `TextDecoder` is: `decode(bytes, { stream: true })` per read (a
 * character split between reads is kept for the next), then `decode()` once at the end. Like
 * `TextDecoder`, it drops a leading byte-order mark and writes U+FFFD for invalid bytes.
 */
export interface StreamTextDecoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

/**
 * A response body as the upstream clients hand it over: a web `ReadableStream` (from `fetch`) or any
 * async iterable of byte chunks (a Node `IncomingMessage`, `@responses-bridge/node`'s `nodeFetch` body).
 * An async iterable's `return()` must end a read still pending and release the connection. It may offer
 * a `textDecoder()` for its own chunks, used instead of a `TextDecoder` (`nodeFetch`'s decodes with
 * Node's `StringDecoder`, several times faster on Node 20).
 */
export type UpstreamBody =
  | ReadableStream<Uint8Array>
  | (AsyncIterable<Uint8Array> & { textDecoder?(): StreamTextDecoder });

/** The decoder for `body`'s text: its own when it offers one, else a `TextDecoder`. */
export function textDecoderFor(body: UpstreamBody): StreamTextDecoder {
  const own = (body as { textDecoder?: () => StreamTextDecoder }).textDecoder;
  return typeof own === "function" ? own.call(body) : new TextDecoder();
}

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

/** A web stream's reader as a {@link ByteReader}. */
class StreamByteReader implements ByteReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #released = false;

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  read(): Promise<IteratorResult<Uint8Array, undefined>> {
    return this.#reader.read() as Promise<IteratorResult<Uint8Array, undefined>>;
  }

  async cancel(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await this.#reader.cancel().catch(() => {});
    this.#reader.releaseLock();
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#reader.releaseLock();
  }
}

/** An async iterator of byte chunks as a {@link ByteReader}: `cancel()` and `release()` both return it. */
class IteratorByteReader implements ByteReader {
  readonly #iterator: AsyncIterator<Uint8Array>;
  #cancelled = false;

  constructor(body: AsyncIterable<Uint8Array>) {
    this.#iterator = body[Symbol.asyncIterator]();
  }

  read(): Promise<IteratorResult<Uint8Array, undefined>> {
    return this.#iterator.next() as Promise<IteratorResult<Uint8Array, undefined>>;
  }

  async cancel(): Promise<void> {
    if (this.#cancelled) return;
    this.#cancelled = true;
    await Promise.resolve(this.#iterator.return?.()).catch(() => {});
  }

  release(): Promise<void> {
    return this.cancel();
  }
}

/**
 * Opens a {@link ByteReader} on `body`. The readers here are classes, one object per body rather than an
 * object of closures (see `linked-abort.ts`).
 */
export function openByteReader(body: UpstreamBody): ByteReader {
  if (typeof (body as ReadableStream<Uint8Array>).getReader === "function") {
    return new StreamByteReader(body as ReadableStream<Uint8Array>);
  }
  return new IteratorByteReader(body as AsyncIterable<Uint8Array>);
}

/** Options of {@link openGuardedReader}. */
export interface GuardedReaderOptions {
  /** Longest silence between two reads, in milliseconds; 0 or absent: none. */
  idleMs?: number;
  /** Largest body in bytes. Default: none. */
  maxBytes?: number;
  /** The 504 message when `idleMs` passes without a read. */
  idleMessage: string;
  /** The 502 message when a read fails. */
  lostMessage: string;
  /** A read that fails after this signal aborted is rethrown as it is (as is any `AbortError`). */
  signal?: AbortSignal;
}

/** A {@link ByteReader} that enforces an idle timeout and a size limit; `stop()` ends its timer. */
export interface GuardedReader extends ByteReader {
  stop(): void;
}

/**
 * A {@link ByteReader} for upstream bodies whose `read()` throws the bridge's errors: a 504
 * `upstream_timeout` when the body stays silent for `idleMs` (the body is cancelled), a 502
 * `upstream_response_too_large` past `maxBytes` (cancelled too), a 502 `upstream_connection_error` when a
 * read fails. One timer per body, re-armed only when it fires.
 */
export function openGuardedReader(body: UpstreamBody, options: GuardedReaderOptions): GuardedReader {
  return new GuardedByteReader(openByteReader(body), options);
}

class GuardedByteReader implements GuardedReader {
  readonly #reader: ByteReader;
  readonly #options: GuardedReaderOptions;
  readonly #maxBytes: number;
  readonly #watchdog: Watchdog;
  #idleFailure: ResponsesBridgeError | undefined;
  #bytes = 0;

  constructor(reader: ByteReader, options: GuardedReaderOptions) {
    this.#reader = reader;
    this.#options = options;
    this.#maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    this.#watchdog = startWatchdog(options.idleMs ?? 0, () => {
      this.#idleFailure = upstreamTimeout(options.idleMessage);
      void reader.cancel();
    });
  }

  async read(): Promise<IteratorResult<Uint8Array, undefined>> {
    let result: IteratorResult<Uint8Array, undefined>;
    try {
      result = await this.#reader.read();
    } catch (error) {
      if (this.#idleFailure) throw this.#idleFailure;
      if (this.#options.signal?.aborted || (error as Error)?.name === "AbortError") throw error;
      throw upstreamConnectionError(this.#options.lostMessage, error);
    }
    if (this.#idleFailure) throw this.#idleFailure;
    this.#watchdog.touch();
    if (!result.done) {
      this.#bytes += result.value.byteLength;
      if (this.#bytes > this.#maxBytes) {
        await this.#reader.cancel();
        throw upstreamResponseTooLarge(this.#maxBytes);
      }
    }
    return result;
  }

  cancel(): Promise<void> {
    return this.#reader.cancel();
  }

  release(): Promise<void> {
    return this.#reader.release();
  }

  stop(): void {
    this.#watchdog.stop();
  }
}
