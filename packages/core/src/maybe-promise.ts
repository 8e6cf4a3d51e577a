/** A value, or a promise of it: what a step returns when only some calls have something to wait for. */
export type MaybePromise<T> = T | PromiseLike<T>;

/**
 * True when `value` is a promise (or any thenable) to wait for. A step that returns its value directly
 * when it has nothing to wait for saves its caller a promise and a turn of the microtask queue, which on
 * a request's path add up (every `await` is one, even of a plain value).
 */
export function isPromiseLike<T>(value: MaybePromise<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === "function";
}
