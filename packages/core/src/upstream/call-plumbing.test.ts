import { describe, expect, it, vi } from "vitest";
import { openGuardedReader } from "./byte-source.js";
import { linkAbort } from "./linked-abort.js";
import { startWatchdog } from "./watchdog.js";

describe("linkAbort", () => {
  it("aborts the call with the caller's reason, and not once released", () => {
    const caller = new AbortController();
    const first = linkAbort(caller.signal);
    const second = linkAbort(caller.signal);
    // Taken off the object, as the upstream and the handler do.
    const { release } = second;
    release();
    caller.abort(new Error("client left"));
    expect(first.controller.signal.aborted).toBe(true);
    expect((first.controller.signal.reason as Error).message).toBe("client left");
    expect(second.controller.signal.aborted).toBe(false);
  });

  it("starts aborted when the caller already is, and ends the call on its own", () => {
    const caller = new AbortController();
    caller.abort("gone");
    expect(linkAbort(caller.signal).controller.signal.reason).toBe("gone");
    const live = new AbortController();
    const link = linkAbort(live.signal);
    link.controller.abort();
    expect(live.signal.aborted).toBe(false);
  });
});

describe("startWatchdog", () => {
  it("fires once after idleMs without a touch, and a touch re-arms it for the rest of the interval", () => {
    vi.useFakeTimers();
    try {
      const onIdle = vi.fn();
      const watchdog = startWatchdog(100, onIdle);
      vi.advanceTimersByTime(60);
      watchdog.touch();
      vi.advanceTimersByTime(60);
      expect(onIdle).not.toHaveBeenCalled();
      vi.advanceTimersByTime(40);
      expect(onIdle).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(1000);
      expect(onIdle).toHaveBeenCalledTimes(1);
      const stopped = vi.fn();
      startWatchdog(100, stopped).stop();
      vi.advanceTimersByTime(1000);
      expect(stopped).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("openGuardedReader", () => {
  const body = (...parts: string[]) =>
    (async function* () {
      for (const part of parts) yield new TextEncoder().encode(part);
    })();
  const options = { idleMessage: "idle", lostMessage: "lost" };

  it("reads a body to its end, from an async iterable or a web stream", async () => {
    for (const source of [body("ab", "c"), new Response("abc").body!]) {
      const reader = openGuardedReader(source, options);
      let text = "";
      for (let result = await reader.read(); !result.done; result = await reader.read()) {
        text += new TextDecoder().decode(result.value);
      }
      reader.stop();
      expect(text).toBe("abc");
    }
  });

  it("fails past maxBytes with upstream_response_too_large, and a failing read with the lost message", async () => {
    const reader = openGuardedReader(body("1234", "5678"), { ...options, maxBytes: 6 });
    await reader.read();
    await expect(reader.read()).rejects.toMatchObject({ code: "upstream_response_too_large" });
    const failing = openGuardedReader(
      (async function* () {
        yield new Uint8Array(1);
        throw new Error("socket hang up");
      })(),
      options,
    );
    await failing.read();
    await expect(failing.read()).rejects.toMatchObject({ message: "lost", status: 502 });
  });

  it("cuts a silent body after idleMs with upstream_timeout", async () => {
    // A body that sends nothing until it is returned, which ends its pending read (as nodeFetch's does).
    let end: (() => void) | undefined;
    const silent: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: () =>
          new Promise<IteratorResult<Uint8Array>>((resolve) => {
            end = () => resolve({ value: undefined, done: true });
          }),
        return: async () => {
          end?.();
          return { value: undefined, done: true };
        },
      }),
    };
    const reader = openGuardedReader(silent, { ...options, idleMs: 20 });
    await expect(reader.read()).rejects.toMatchObject({ code: "upstream_timeout", message: "idle" });
    reader.stop();
  });
});
