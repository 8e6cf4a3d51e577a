import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { tuneHeapForServing } from "./tune-heap.js";

describe("tuneHeapForServing", () => {
  it("caps the old generation's growth everywhere and holds off the memory reducer on Node 20 only", () => {
    const set: string[] = [];
    expect(tuneHeapForServing("20.19.0", (flag) => set.push(flag))).toEqual(set);
    expect(set).toEqual(["--heap-growing-percent=25", "--gc-memory-reducer-start-delay-ms=2000000000"]);
    for (const version of ["22.12.0", "24.1.0", "25.0.0"]) {
      const later: string[] = [];
      tuneHeapForServing(version, (flag) => later.push(flag));
      expect(later).toEqual(["--heap-growing-percent=25"]);
    }
  });

  it("names flags this Node's V8 knows (an unknown one would be ignored silently at run time)", () => {
    // `node --<flag> -e 0` fails on a flag neither Node nor V8 knows, so the names are checked for real.
    const flags = tuneHeapForServing("20.0.0", () => {});
    const run = spawnSync(process.execPath, [...flags, "-e", "0"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});
