/**
 * One timer per call, re-armed only when it fires: `touch()` on every read costs a clock read, not a
 * timer. Calls `onIdle` once when `idleMs` pass without a `touch()`.
 */
export interface Watchdog {
  touch(): void;
  stop(): void;
}

const DISABLED: Watchdog = { touch() {}, stop() {} };

/** One object per call rather than three closures (see `linked-abort.ts`). */
class IdleWatchdog implements Watchdog {
  #last = Date.now();
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #idleMs: number;
  readonly #onIdle: () => void;

  constructor(idleMs: number, onIdle: () => void) {
    this.#idleMs = idleMs;
    this.#onIdle = onIdle;
    this.#timer = setTimeout(check, idleMs, this);
  }

  touch(): void {
    this.#last = Date.now();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The timer fired: idle long enough, or re-armed for the rest of the interval. */
  check(): void {
    const idle = Date.now() - this.#last;
    if (idle >= this.#idleMs) {
      this.#timer = undefined;
      this.#onIdle();
      return;
    }
    this.#timer = setTimeout(check, this.#idleMs - idle, this);
  }
}

function check(watchdog: IdleWatchdog): void {
  watchdog.check();
}

/** Starts a {@link Watchdog}; `idleMs` of 0 or Infinity disables it. */
export function startWatchdog(idleMs: number, onIdle: () => void): Watchdog {
  if (!(idleMs > 0) || !Number.isFinite(idleMs)) return DISABLED;
  return new IdleWatchdog(idleMs, onIdle);
}
