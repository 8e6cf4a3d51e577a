/**
 * Spawning `responses-bridge` from its TypeScript sources (tsx, `@responses-bridge/source` condition),
 * for the CLI integration tests (test/cli-*.test.ts) and the Codex end-to-end suite (test/e2e).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** packages/cli. */
export const CLI_PACKAGE = join(REPO_ROOT, "packages", "cli");
/** The bin's TypeScript source. */
export const CLI_SOURCE = join(CLI_PACKAGE, "src", "bin.ts");
/** The bin as built (`pnpm build`). */
export const CLI_DIST = join(CLI_PACKAGE, "dist", "bin.js");
const requireFromCli = createRequire(join(CLI_PACKAGE, "package.json"));
/** tsx's loader, resolved from the cli package (its devDependency). */
export const TSX_LOADER = pathToFileURL(requireFromCli.resolve("tsx")).href;

/** How a spawned process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `responses-bridge` (or any child) with its output collected. */
export interface ChildRun {
  /** The child process. */
  readonly child: ChildProcess;
  /** Everything written so far. */
  readonly output: { stdout: string; stderr: string };
  /** Resolves with the first match of `pattern` in stdout + stderr, or rejects after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves when the process exits. */
  readonly exited: Promise<Exit>;
  /** Sends `signal` (default SIGTERM) and waits for the exit; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}

/** Options of {@link spawnCli} and {@link spawnChild}. */
export interface SpawnOptions {
  /** Extra environment variables (merged over the test's own, minus its NODE_OPTIONS: give one here). */
  env?: NodeJS.ProcessEnv;
  /** Working directory. Default the repository root. */
  cwd?: string;
  /** Start in its own process group, so {@link ChildRun.stop} reaches its children too. */
  group?: boolean;
}

/** Children not yet known to have exited, so a failed test cannot leave one running. */
const live = new Set<ChildRun>();

/** Kills every child spawned here that is still running (use in `afterEach`). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((run) => run.stop("SIGKILL", 5000)));
}

/** Spawns any command with collected output. */
export function spawnChild(command: string, args: readonly string[], options: SpawnOptions = {}): ChildRun {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.NODE_OPTIONS;
  Object.assign(env, options.env);
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.group === true,
  });
  const output = { stdout: "", stderr: "" };
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    output.stdout += text;
    notify();
  });
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    output.stderr += text;
    notify();
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once("exit", (code, signal) => {
      // Let the pipes drain before reporting.
      setImmediate(() => {
        notify();
        resolve({ code, signal });
      });
    });
  });
  let done = false;
  void exited.then(() => {
    done = true;
    live.delete(run);
  });
  const kill = (signal: NodeJS.Signals) => {
    if (done || child.pid === undefined) return;
    try {
      if (options.group === true) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // Already gone.
    }
  };
  const run: ChildRun = {
    child,
    output,
    exited,
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = `${output.stdout}\n${output.stderr}`.match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          } else if (done) {
            cleanup();
            reject(new Error(`exited before printing ${pattern}:\n${output.stdout}\n${output.stderr}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} after ${timeoutMs} ms:\n${output.stdout}\n${output.stderr}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop(signal = "SIGTERM", timeoutMs = 15_000) {
      kill(signal);
      const timer = setTimeout(() => kill("SIGKILL"), timeoutMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
  live.add(run);
  return run;
}

/** Runs `responses-bridge <args>` from source through tsx. */
export function spawnCli(args: readonly string[], options: SpawnOptions = {}): ChildRun {
  return spawnChild(
    process.execPath,
    ["--import", TSX_LOADER, "--conditions=@responses-bridge/source", CLI_SOURCE, ...args],
    options,
  );
}

/** Runs the CLI to completion and returns its output and exit. */
export async function runCliToEnd(
  args: readonly string[],
  options: SpawnOptions = {},
  timeoutMs = 30_000,
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const run = spawnCli(args, options);
  const timer = setTimeout(() => run.child.kill("SIGKILL"), timeoutMs);
  const exit = await run.exited;
  clearTimeout(timer);
  return { ...run.output, code: exit.code };
}

/** The URL in the bridge's ready line. */
export const READY_LINE = /listening on (http:\/\/\S+\/v1)/;

/** Waits for the text ready line and returns the bridge's base URL (with `/v1`). */
export async function readyURL(run: ChildRun, timeoutMs = 30_000): Promise<string> {
  const [, url] = await run.waitForOutput(READY_LINE, timeoutMs);
  return url as string;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once a TCP connection to `port` succeeds (Codex retries forever when nothing listens). */
export async function waitForPort(port: number, host = "127.0.0.1", timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
