/**
 * Cooperative work for large request bodies: a long step (parsing, validating or serialising a body of
 * many megabytes) runs in slices of a few milliseconds and gives the event loop back between them, so
 * the other clients of the same process keep being served while it runs. Runtime-neutral: the pause is a
 * macrotask (`setImmediate` where the runtime has it, else `setTimeout(0)`), so pending I/O runs in it.
 */

/** Longest run of work, in milliseconds, before a sliced step gives the event loop back. */
export const SLICE_MS = 4;

const clock: { now(): number } = globalThis.performance ?? Date;
const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;

/** A promise settled on a later macrotask, after pending I/O callbacks and timers had their turn. */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => {
    if (immediate) immediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/** The time budget of one cooperative task: `due()` says when to `pause()`. */
export class TimeSlice {
  private started = clock.now();

  constructor(private readonly budgetMs: number = SLICE_MS) {}

  /** Whether the current slice has used up its budget. */
  due(): boolean {
    return clock.now() - this.started >= this.budgetMs;
  }

  /** Gives the event loop back, then starts a new slice. */
  async pause(): Promise<void> {
    await nextMacrotask();
    this.started = clock.now();
  }

  /** Pauses when the slice is due (the common case costs one clock read). */
  async check(): Promise<void> {
    if (this.due()) await this.pause();
  }
}

/**
 * Runs `step(from, to)` over `[0, count)` in runs of `batch` indices, pausing between runs whenever
 * `slice` is due: the one loop of every sliced step that works item by item (validating, identifying,
 * translating or indexing thousands of input items).
 */
export async function forEachInSlices(
  count: number,
  batch: number,
  step: (from: number, to: number) => void,
  slice: TimeSlice = new TimeSlice(),
): Promise<void> {
  for (let from = 0; from < count; from += batch) {
    step(from, Math.min(count, from + batch));
    await slice.check();
  }
}
