// The orchestrator <-> child protocol, and a small client for it.
import { type ChildProcess, fork } from "node:child_process";
import { buildChild } from "./build-child.js";
import type { UpstreamCounters } from "./upstream.js";
import { REPO_ROOT } from "./workspace.js";

export interface ChildStats {
  /** process.cpuUsage() user + system, in microseconds since the child started. */
  cpuMicros: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** Peak resident set size so far, in bytes. */
  maxRss: number;
  counters?: UpstreamCounters;
}

export type ChildRequest = { type: "stats"; id: number } | { type: "gc"; id: number } | { type: "exit" };

export type ChildReply =
  | { type: "ready"; targets: Record<string, string> }
  | { type: "stats"; id: number; stats: ChildStats };

export interface Child {
  /** Base URLs by name (`upstream`, or one per adapter). */
  targets: Record<string, string>;
  stats(): Promise<ChildStats>;
  /** Runs `global.gc()` twice, then answers stats. */
  gc(): Promise<ChildStats>;
  /** Asks the child to exit normally and waits for it. */
  exit(): Promise<void>;
  process: ChildProcess;
}

let built: Promise<string> | undefined;

/**
 * Forks the bundled `child.mjs` (built once per run, see build-child.ts) as plain Node.js with
 * `--expose-gc` plus `extraExecArgv`.
 */
export async function startChild(args: string[], extraExecArgv: string[] = []): Promise<Child> {
  built ??= buildChild();
  const child = fork(await built, args, {
    execArgv: ["--expose-gc", ...extraExecArgv],
    env: { ...process.env, BENCH_REPO_ROOT: REPO_ROOT },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let nextId = 1;
  const waiting = new Map<number, (stats: ChildStats) => void>();
  const ask = (type: "stats" | "gc") =>
    new Promise<ChildStats>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      child.send({ type, id } satisfies ChildRequest);
    });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`child ${args[0]} exited with ${code} before it was ready`)),
    );
    child.on("message", (message: ChildReply) => {
      if (message.type === "stats") {
        waiting.get(message.id)?.(message.stats);
        waiting.delete(message.id);
        return;
      }
      child.removeAllListeners("exit");
      resolve({
        targets: message.targets,
        process: child,
        stats: () => ask("stats"),
        gc: () => ask("gc"),
        exit: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.send({ type: "exit" } satisfies ChildRequest);
          }),
      });
    });
  });
}
