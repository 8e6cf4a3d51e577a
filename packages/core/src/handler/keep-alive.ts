import { encodeSSEComment } from "../sse/encode-sse-event.js";

const KEEP_ALIVE = encodeSSEComment("keep-alive");

/**
 * Passes `pieces` through, inserting an SSE comment whenever the source stays silent for
 * `intervalMs`. The pending read is kept across ticks (nothing is read twice or dropped), the timer is
 * cleared on every exit, and `return()` reaches the source.
 */
export async function* withKeepAlive(
  pieces: AsyncIterable<string>,
  intervalMs: number,
): AsyncGenerator<string, void, undefined> {
  const iterator = pieces[Symbol.asyncIterator]();
  if (!(intervalMs > 0)) {
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }
  let pending: Promise<IteratorResult<string>> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    for (;;) {
      pending ??= iterator.next();
      const tick = new Promise<"tick">((resolve) => {
        timer = setTimeout(resolve, intervalMs, "tick");
      });
      const winner = await Promise.race([pending, tick]);
      clearTimeout(timer);
      if (winner === "tick") {
        yield KEEP_ALIVE;
        continue;
      }
      pending = undefined;
      if (winner.done) return;
      yield winner.value;
    }
  } finally {
    clearTimeout(timer);
    // A read still in flight is settled by return(); ignore its outcome.
    pending?.catch(() => {});
    await iterator.return?.();
  }
}
