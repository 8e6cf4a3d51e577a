// Node 20 (V8 11.3) gives a literal that starts with a spread and then adds a key (`{ ...call, headers }`)
// a hidden class of its own on every call once the function is optimised: about 1 µs and one map in the old
// generation per object, and megamorphic reads wherever those objects go. The per-request paths copy with
// `objectWith` instead (packages/core/src/object-with.ts). This drives the handler in a child started with
// `--allow-natives-syntax` and checks, with `%HaveSameMap`, that two late requests' copies share one class.
// (On Node 22 and later the spread itself is fine, so there this guards only against other regressions.)
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawnChild, stopAllChildren, TSX_LOADER } from "./e2e/support/cli-process.js";

afterEach(stopAllChildren);

describe("per-request objects share their hidden classes", () => {
  it("chat params, call options, stored input items and stream headers, after 4,000 requests", async () => {
    const run = spawnChild(process.execPath, [
      "--allow-natives-syntax",
      "--conditions=@responses-bridge/source",
      "--import",
      TSX_LOADER,
      join(import.meta.dirname, "fixtures/processes/hidden-classes.ts"),
    ]);
    const exit = await run.exited;
    expect(exit.code, run.output.stderr).toBe(0);
    const shared = JSON.parse(run.output.stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, boolean>;
    expect(shared).toEqual({
      params: true,
      call: true,
      streamParams: true,
      inputItem: true,
      streamHeaders: true,
    });
  }, 60_000);
});
