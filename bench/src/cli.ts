// The `cli` target: the built CLI started as the README says (`responses-bridge serve --upstream URL`),
// with its default options (request log on, memory store on, no probe so the bench upstream needs no
// `/models`). Unlike the other children it is not ours to instrument, so its CPU time and peak RSS are
// read from /proc (Linux), as an operator's monitoring would.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import type { Child, ChildStats } from "./ipc.js";
import { REPO_ROOT } from "./workspace.js";

/** The built CLI's entry (`pnpm build` writes it). */
export const CLI_BIN = `${REPO_ROOT}packages/cli/dist/bin.js`;

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU (user + system, all threads) and memory of a process, from /proc/<pid>/{stat,status}. */
export function procStats(pid: number): ChildStats {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces), 1-based from field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime (14) + stime (15)
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0) * 1024;
  return {
    cpuMicros: (ticks * 1_000_000) / CLOCK_TICKS_PER_SECOND,
    rss: kib("VmRSS"),
    maxRss: kib("VmHWM"),
    heapUsed: Number.NaN,
    heapTotal: Number.NaN,
    external: Number.NaN,
    arrayBuffers: Number.NaN,
  };
}

/**
 * Starts `node [execArgv] packages/cli/dist/bin.js serve --upstream <upstreamURL> --no-probe --port 0`
 * plus `extraArgs`, waits for its "listening on" line, and keeps reading its request log (so a full pipe
 * never slows it down).
 */
export async function startCli(
  upstreamURL: string,
  extraArgs: string[] = [],
  execArgv: string[] = [],
): Promise<Child> {
  // BENCH_CLI_BIN: another build of the CLI's entry (what-if runs).
  const bin = process.env.BENCH_CLI_BIN ?? CLI_BIN;
  if (!existsSync(bin)) throw new Error(`bench: ${bin} is missing; run \`pnpm build\` first`);
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_BRIDGE_FLAGS ?? "").split(" ").filter(Boolean),
      // BENCH_CLI_FLAGS: Node flags for the CLI only (what-if runs that leave the hop as it is).
      ...(process.env.BENCH_CLI_FLAGS ?? "").split(" ").filter(Boolean),
      ...execArgv,
      bin,
      "serve",
      "--upstream",
      upstreamURL,
      "--no-probe",
      "--port",
      "0",
      // BENCH_CLI_ARGS: more CLI options (what-if runs, e.g. `--log-level warn`).
      ...(process.env.BENCH_CLI_ARGS ?? "").split(" ").filter(Boolean),
      ...extraArgs,
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    stderr = (stderr + text).slice(-2000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let head = "";
    const onData = (text: string) => {
      head += text;
      const match = /listening on (http:\/\/\S+)/.exec(head);
      if (match) {
        child.stdout.off("data", onData);
        child.stdout.resume(); // the request log: read and dropped
        resolve(match[1]!.replace(/\/$/, ""));
      }
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.once("exit", (code) => reject(new Error(`bench: the CLI exited with ${code}: ${stderr}`)));
  });
  const pid = child.pid!;
  const stats = async () => procStats(pid);
  return {
    targets: { cli: url.endsWith("/v1") ? url : `${url}/v1` },
    process: child,
    stats,
    // The CLI cannot be asked to collect garbage; its RSS is read as it is.
    gc: stats,
    exit: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}
