/**
 * One timer per call, re-armed only when it fires: `touch()` on every read costs a clock read, not a
 * timer. Calls `onIdle` once when `idleMs` pass without a `touch()`.
 */
export interface Watchdog {
  touch(): void;
  stop(): void;
}

/** Starts a {@link Watchdog}; `idleMs` of 0 or Infinity disables it. */
export function startWatchdog(idleMs: number, onIdle: () => void): Watchdog {
  if (!(idleMs > 0) || !Number.isFinite(idleMs)) return { touch() {}, stop() {} };
  let last = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    const idle = Date.now() - last;
    if (idle >= idleMs) {
      timer = undefined;
      onIdle();
      return;
    }
    timer = setTimeout(check, idleMs - idle);
  };
  timer = setTimeout(check, idleMs);
  return {
    touch() {
      last = Date.now();
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
