import { encodeSSEComment } from "./encode-sse-event.js";

/**
 * The comment {@link withKeepAlive} inserts: always this very string, so a consumer tells it apart by
 * identity (`piece === KEEP_ALIVE`) without reading, and so flattening, a piece of event text.
 */
export const KEEP_ALIVE = encodeSSEComment("keep-alive");
const TICK: IteratorResult<string, undefined> = Object.freeze({ value: KEEP_ALIVE, done: false });
const DONE: IteratorResult<string, undefined> = Object.freeze({ value: undefined, done: true });

/**
 * Passes `pieces` through, inserting an SSE comment whenever the source stays silent for
 * `intervalMs` while the consumer waits. One timer serves the whole stream (re-armed only when it
 * fires); a read in flight is kept across ticks (nothing is read twice or dropped), the timer is
 * cleared on every exit, and `return()` reaches the source. With `intervalMs` of 0 the source is
 * returned as it is.
 *
 * Written as an iterator rather than an async generator: it sits on every token of a stream, and a
 * generator racing each read against a fresh timer promise allocated several promises per piece.
 */
export function withKeepAlive(pieces: AsyncIterable<string>, intervalMs: number): AsyncIterable<string> {
  if (!(intervalMs > 0)) return pieces;
  return new KeepAlive(pieces[Symbol.asyncIterator](), intervalMs);
}

type Waiter = {
  resolve: (result: IteratorResult<string, undefined>) => void;
  reject: (error: unknown) => void;
};

class KeepAlive implements AsyncIterableIterator<string, undefined> {
  readonly #source: AsyncIterator<string>;
  readonly #intervalMs: number;
  #last = Date.now();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The consumer's pending `next()`, and its promise (a second `next()` before it settles queues behind it). */
  #waiter: Waiter | undefined;
  #waiting: Promise<IteratorResult<string, undefined>> | undefined;
  /** A source read is in flight. */
  #reading = false;
  /** A source result that arrived after a tick answered the consumer, kept for its next `next()`. */
  #held: { result: IteratorResult<string> } | { error: unknown } | undefined;
  #closed = false;
  readonly #onResult = (result: IteratorResult<string>) => this.#settle({ result });
  readonly #onError = (error: unknown) => this.#settle({ error });
  readonly #check = () => this.#tick();

  constructor(source: AsyncIterator<string>, intervalMs: number) {
    this.#source = source;
    this.#intervalMs = intervalMs;
    this.#timer = setTimeout(this.#check, intervalMs);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<string, undefined>> {
    const held = this.#held;
    if (held) {
      this.#held = undefined;
      if ("error" in held) return Promise.reject(held.error);
      return Promise.resolve(held.result as IteratorResult<string, undefined>);
    }
    if (this.#closed) return Promise.resolve(DONE);
    if (this.#waiter) {
      // Calls are answered in order, like an async generator's.
      const next = () => this.next();
      return (this.#waiting as Promise<IteratorResult<string, undefined>>).then(next, next);
    }
    this.#waiting = new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      if (!this.#reading) {
        this.#reading = true;
        this.#source.next().then(this.#onResult, this.#onError);
      }
    });
    return this.#waiting;
  }

  async return(): Promise<IteratorResult<string, undefined>> {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.resolve(DONE);
    this.#held = undefined;
    if (!this.#closed) {
      this.#close();
      // A read still in flight is settled by the source's return(); its outcome is ignored.
      await this.#source.return?.();
    }
    return DONE;
  }

  #settle(outcome: { result: IteratorResult<string> } | { error: unknown }): void {
    this.#reading = false;
    if (this.#closed) return;
    this.#last = Date.now();
    if ("error" in outcome || outcome.result.done) this.#close();
    const waiter = this.#waiter;
    if (!waiter) {
      this.#held = outcome;
      return;
    }
    this.#waiter = undefined;
    if ("error" in outcome) waiter.reject(outcome.error);
    else waiter.resolve(outcome.result as IteratorResult<string, undefined>);
  }

  #tick(): void {
    const idle = Date.now() - this.#last;
    if (idle < this.#intervalMs) {
      this.#timer = setTimeout(this.#check, this.#intervalMs - idle);
      return;
    }
    this.#timer = setTimeout(this.#check, this.#intervalMs);
    const waiter = this.#waiter;
    if (!waiter) return;
    this.#waiter = undefined;
    this.#last = Date.now();
    waiter.resolve(TICK);
  }

  #close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
