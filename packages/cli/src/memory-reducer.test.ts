import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { holdOffMemoryReducer } from "./memory-reducer.js";

describe("holdOffMemoryReducer", () => {
  it("sets V8's reducer start delay far out on Node 20 only", () => {
    const set: string[] = [];
    expect(holdOffMemoryReducer("20.19.0", (flags) => set.push(flags))).toBe(true);
    expect(set).toEqual(["--gc-memory-reducer-start-delay-ms=2000000000"]);
    for (const version of ["22.12.0", "24.1.0", "25.0.0"]) {
      expect(holdOffMemoryReducer(version, (flags) => set.push(flags))).toBe(false);
    }
    expect(set).toHaveLength(1);
  });

  it("names a flag this Node's V8 knows (an unknown one would be ignored silently)", () => {
    // `node --<flag> -e 0` fails on a flag neither Node nor V8 knows, so the name is checked for real.
    const run = spawnSync(process.execPath, ["--gc-memory-reducer-start-delay-ms=2000000000", "-e", "0"], {
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});
