import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { withKeepAlive } from "./keep-alive.js";

const COMMENT = ": keep-alive\n\n";

/** A source whose reads the test settles by hand, counting reads and `return()` calls. */
function manualSource() {
  const reads: Array<{ resolve: (value: IteratorResult<string>) => void; reject: (error: unknown) => void }> =
    [];
  let returned = 0;
  const iterator: AsyncIterator<string> = {
    next: () =>
      new Promise((resolve, reject) => {
        reads.push({ resolve, reject });
      }),
    return: async () => {
      returned++;
      return { value: undefined, done: true };
    },
  };
  return {
    iterable: { [Symbol.asyncIterator]: () => iterator } as AsyncIterable<string>,
    reads,
    get returned() {
      return returned;
    },
  };
}

/** Lets settled promise callbacks run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("withKeepAlive", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("passes every piece through in order and ends with the source, clearing its timer", async () => {
    const source = (async function* () {
      yield "a";
      yield "b";
      yield "c";
    })();
    const seen: string[] = [];
    for await (const piece of withKeepAlive(source, 1_000)) seen.push(piece);
    expect(seen).toEqual(["a", "b", "c"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("answers a waiting consumer with comments while the source is silent, without reading twice", async () => {
    const source = manualSource();
    const iterator = withKeepAlive(source.iterable, 1_000)[Symbol.asyncIterator]();
    const first = iterator.next();
    await flush();
    expect(source.reads).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await first).toEqual({ value: COMMENT, done: false });
    const second = iterator.next();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await second).toEqual({ value: COMMENT, done: false });
    // Still the one read, now answered: the piece comes next, not lost to the comments.
    const third = iterator.next();
    expect(source.reads).toHaveLength(1);
    source.reads[0]!.resolve({ value: "piece", done: false });
    expect(await third).toEqual({ value: "piece", done: false });
    const fourth = iterator.next();
    await flush();
    expect(source.reads).toHaveLength(2);
    source.reads[1]!.resolve({ value: undefined, done: true });
    expect(await fourth).toEqual({ value: undefined, done: true });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("keeps a piece that arrives while the consumer is away for its next read", async () => {
    const source = manualSource();
    const iterator = withKeepAlive(source.iterable, 1_000)[Symbol.asyncIterator]();
    const first = iterator.next();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await first).toEqual({ value: COMMENT, done: false });
    // The read the comment left in flight settles while nobody waits.
    source.reads[0]!.resolve({ value: "late", done: false });
    await flush();
    expect(await iterator.next()).toEqual({ value: "late", done: false });
    expect(source.reads).toHaveLength(1);
  });

  it("sends no comment while the consumer is busy, only while it waits", async () => {
    const source = manualSource();
    const iterator = withKeepAlive(source.iterable, 1_000)[Symbol.asyncIterator]();
    const first = iterator.next();
    source.reads[0]!.resolve({ value: "a", done: false });
    expect(await first).toEqual({ value: "a", done: false });
    // The consumer is away for several intervals: no comment is queued for it.
    await vi.advanceTimersByTimeAsync(3_500);
    const second = iterator.next();
    source.reads[1]!.resolve({ value: "b", done: false });
    expect(await second).toEqual({ value: "b", done: false });
  });

  it("return() ends a pending read, reaches the source and clears the timer", async () => {
    const source = manualSource();
    const iterator = withKeepAlive(source.iterable, 1_000)[Symbol.asyncIterator]();
    const pending = iterator.next();
    await flush();
    expect(await iterator.return!()).toEqual({ value: undefined, done: true });
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(source.returned).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    // A read that settles after the end is ignored.
    source.reads[0]!.resolve({ value: "ignored", done: false });
    await flush();
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it("passes a source failure on, also one that arrives while the consumer is away", async () => {
    const failing = manualSource();
    const direct = withKeepAlive(failing.iterable, 1_000)[Symbol.asyncIterator]();
    const read = direct.next();
    failing.reads[0]!.reject(new Error("upstream cut"));
    await expect(read).rejects.toThrow("upstream cut");
    expect(vi.getTimerCount()).toBe(0);

    const late = manualSource();
    const iterator = withKeepAlive(late.iterable, 1_000)[Symbol.asyncIterator]();
    const first = iterator.next();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await first).toEqual({ value: COMMENT, done: false });
    late.reads[0]!.reject(new Error("cut while away"));
    await flush();
    await expect(iterator.next()).rejects.toThrow("cut while away");
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("answers calls made before the previous one settled in order, like a generator", async () => {
    const source = manualSource();
    const iterator = withKeepAlive(source.iterable, 1_000)[Symbol.asyncIterator]();
    const first = iterator.next();
    const second = iterator.next();
    await flush();
    expect(source.reads).toHaveLength(1);
    source.reads[0]!.resolve({ value: "a", done: false });
    expect(await first).toEqual({ value: "a", done: false });
    await flush();
    expect(source.reads).toHaveLength(2);
    source.reads[1]!.resolve({ value: "b", done: false });
    expect(await second).toEqual({ value: "b", done: false });
  });

  it("returns the source itself when keep-alive is off", () => {
    const source = manualSource().iterable;
    expect(withKeepAlive(source, 0)).toBe(source);
  });
});
