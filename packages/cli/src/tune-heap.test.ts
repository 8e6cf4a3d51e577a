import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { dropRestartEnv, startupEnv, startupFlags, tuneHeapForServing } from "./tune-heap.js";

describe("tuneHeapForServing", () => {
  it("caps the old generation's growth and stops pretenuring everywhere, holds off the memory reducer on Node 20 only", () => {
    const set: string[] = [];
    expect(tuneHeapForServing("20.19.0", (flag) => set.push(flag))).toEqual(set);
    expect(set).toEqual([
      "--heap-growing-percent=40",
      "--no-allocation-site-pretenuring",
      "--gc-memory-reducer-start-delay-ms=2000000000",
    ]);
    for (const version of ["22.12.0", "24.1.0", "25.0.0"]) {
      const later: string[] = [];
      tuneHeapForServing(version, (flag) => later.push(flag));
      expect(later).toEqual(["--heap-growing-percent=40", "--no-allocation-site-pretenuring"]);
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

describe("startupFlags", () => {
  const started = { nodeVersion: "24.1.0", execArgv: [], argv: ["serve", "--upstream", "ollama"] };

  it("asks for Node 20's young generation on Node 24 and later, for the serving commands only", () => {
    expect(startupFlags(started)).toEqual(["--max-semi-space-size=16"]);
    expect(startupFlags({ ...started, nodeVersion: "25.0.0", argv: ["codex"] })).toEqual([
      "--max-semi-space-size=16",
    ]);
    for (const nodeVersion of ["20.19.0", "22.15.0"])
      expect(startupFlags({ ...started, nodeVersion })).toEqual([]);
    for (const argv of [["--version"], ["help", "serve"], []])
      expect(startupFlags({ ...started, argv })).toEqual([]);
  });

  it("keeps an operator's own choice, given to Node or in NODE_OPTIONS (so a restart happens at most once)", () => {
    expect(startupFlags({ ...started, execArgv: ["--max-semi-space-size=16"] })).toEqual([]);
    expect(startupFlags({ ...started, execArgv: ["--max_semi_space_size", "4"] })).toEqual([]);
    expect(
      startupFlags({ ...started, nodeOptions: "--enable-source-maps --max-semi-space-size=64" }),
    ).toEqual([]);
    expect(startupFlags({ ...started, nodeOptions: "--max-old-space-size=512" })).toEqual([
      "--max-semi-space-size=16",
    ]);
  });

  it("names a flag Node accepts on its command line", () => {
    const run = spawnSync(process.execPath, [...startupFlags(started), "-e", "0"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});

describe("startupEnv and dropRestartEnv", () => {
  const started = { nodeVersion: "24.1.0", execArgv: [], argv: ["serve"] };

  it("limits glibc's malloc arenas on the Linux restart only, and keeps an operator's choice", () => {
    expect(startupEnv(started, {}, "linux")).toEqual({ MALLOC_ARENA_MAX: "2" });
    expect(startupEnv(started, {}, "darwin")).toEqual({});
    // No restart, no variable: Node 20 and 22, a command that does not serve, flags given already.
    expect(startupEnv({ ...started, nodeVersion: "20.19.0" }, {}, "linux")).toEqual({});
    expect(startupEnv({ ...started, argv: ["--version"] }, {}, "linux")).toEqual({});
    expect(startupEnv({ ...started, execArgv: ["--max-semi-space-size=8"] }, {}, "linux")).toEqual({});
    expect(startupEnv(started, { MALLOC_ARENA_MAX: "8" }, "linux")).toEqual({});
    expect(startupEnv(started, { GLIBC_TUNABLES: "glibc.malloc.arena_max=4" }, "linux")).toEqual({});
    expect(startupEnv(started, { GLIBC_TUNABLES: "glibc.malloc.tcache_count=0" }, "linux")).toEqual({
      MALLOC_ARENA_MAX: "2",
    });
  });

  it("gives the restarted process's children the operator's environment back", () => {
    const env: NodeJS.ProcessEnv = {
      PATH: "/bin",
      MALLOC_ARENA_MAX: "2",
      RESPONSES_BRIDGE_RESTART_ENV: "MALLOC_ARENA_MAX",
    };
    dropRestartEnv(env);
    expect(env).toEqual({ PATH: "/bin" });
    // Without the marker nothing is touched: the operator's own MALLOC_ARENA_MAX stays.
    const own: NodeJS.ProcessEnv = { MALLOC_ARENA_MAX: "4" };
    dropRestartEnv(own);
    expect(own).toEqual({ MALLOC_ARENA_MAX: "4" });
  });
});
