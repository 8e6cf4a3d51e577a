import { encodeSSEComment } from "../sse/encode-sse-event.js";

const KEEP_ALIVE = encodeSSEComment("keep-alive");

/**
 * Passes `pieces` through, inserting an SSE comment whenever the source stays silent for
 * `intervalMs`. One timer serves the whole stream (re-armed only when it fires); the pending read is
 * kept across ticks (nothing is read twice or dropped), the timer is cleared on every exit, and
 * `return()` reaches the source.
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
  let last = Date.now();
  let wake: ((value: "tick") => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    const idle = Date.now() - last;
    if (idle >= intervalMs) {
      timer = setTimeout(check, intervalMs);
      wake?.("tick");
      return;
    }
    timer = setTimeout(check, intervalMs - idle);
  };
  timer = setTimeout(check, intervalMs);
  let pending: Promise<IteratorResult<string>> | undefined;
  try {
    for (;;) {
      pending ??= iterator.next();
      const tick = new Promise<"tick">((resolve) => {
        wake = resolve;
      });
      const winner = await Promise.race([pending, tick]);
      wake = undefined;
      if (winner === "tick") {
        last = Date.now();
        yield KEEP_ALIVE;
        continue;
      }
      pending = undefined;
      last = Date.now();
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
