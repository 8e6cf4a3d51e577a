// V8's heap, tuned for the CLI's own process (a long-running server). Two kinds of flag:
// - flags V8 reads each time it uses them, set at start with `v8.setFlagsFromString` (Node 20 neither
//   takes them in `NODE_OPTIONS` nor can re-execute itself);
// - flags V8 reads only when the heap is set up (the young generation's size), which only Node's own
//   command line can give: the CLI re-executes itself with them (`process.execve`, Node 22.15 and later),
//   and with glibc's malloc arenas limited (an environment variable glibc reads only at start).
import { setFlagsFromString } from "node:v8";

/**
 * Start delay given to V8's memory reducer on Node 20: about 23 days, so that in practice it never starts
 * (`--no-memory-reducer` itself is read only when the heap is set up).
 */
const NEVER_MS = 2_000_000_000;

/**
 * How far the old generation may grow past what the last full collection kept, in percent, before the
 * next one. V8's default lets it grow up to 4x when collections look cheap.
 */
const HEAP_GROWING_PERCENT = 40;

/**
 * Largest semi-space of the young generation, in MB: what Node 20 and 22 give a 64-bit process (32 MB of
 * young generation). Node 24 gives 64 MB per semi-space (128 MB; measured on a 24 GiB machine, with any
 * `--max-old-space-size`).
 */
const SEMI_SPACE_MB = 16;

/** The commands that start a server (the others print and exit, and are not worth a restart). */
const SERVING_COMMANDS = new Set(["serve", "codex"]);

/**
 * Tunes V8's heap for the CLI's server process. A library never calls this: it changes V8 for the whole
 * process, which is its host's to decide.
 *
 * - **The old generation grows by at most 40% between full collections** (`--heap-growing-percent`). Under
 *   the benchmark's load most of the CLI's peak RSS was garbage the collector had let pile up: 199–214 MB
 *   against 136–150 MB with 25% on Node 20. The price is more full collections. Since the memory store keeps
 *   its turns as text in the heap, 25% cost CPU again: CLIs side by side, 25% against 40% and 60%, 123
 *   against 111 and 113 µs per JSON request, 464–476 against 360–373 and 345–355 µs per stream, and in a
 *   full bench run the CLI at 40% peaked at 139 MB.
 * - **V8 does not pretenure** (`--no-allocation-site-pretenuring`). V8 watches where objects are made, and
 *   a place whose objects mostly survived a young collection gets its objects made in the old generation from
 *   then on. Under stream load about half the CLI processes came to that for some place early on and stayed
 *   so: 20–39 full collections in 3 s instead of 3–10, and on Node 20 440–740 µs CPU per stream instead of
 *   290–460. With the flag none of 23 processes did, against 16 of 34 without it (Node 20 and 24, processes
 *   started one after another under the same load). Per JSON request it changed nothing measurable.
 * - **On Node 20, V8's memory reducer is held off** (`--gc-memory-reducer-start-delay-ms`). After a few idle
 *   seconds it shrank the heap, and the next burst then cost 2–4x the CPU per request (1,850–1,930 µs per
 *   JSON request after 25 s of idleness, against 370–530 µs held off, the same as `node
 *   --no-memory-reducer`). Node 24 shows no such slowdown, so it is left alone there. The price: an idle
 *   process keeps the heap its last burst grew to.
 *
 * @param nodeVersion - `process.versions.node`.
 * @param setFlags - `v8.setFlagsFromString`.
 * @returns The flags set.
 */
export function tuneHeapForServing(
  nodeVersion: string = process.versions.node,
  setFlags: (flags: string) => void = setFlagsFromString,
): string[] {
  const flags = [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`, "--no-allocation-site-pretenuring"];
  if (Number.parseInt(nodeVersion, 10) < 22) flags.push(`--gc-memory-reducer-start-delay-ms=${NEVER_MS}`);
  for (const flag of flags) setFlags(flag);
  return flags;
}

/** What {@link startupFlags} looks at: the process as Node started it. */
export interface StartedProcess {
  /** `process.versions.node`. */
  nodeVersion: string;
  /** `process.execArgv`: the flags Node was started with. */
  execArgv: readonly string[];
  /** `process.env.NODE_OPTIONS`. */
  nodeOptions?: string | undefined;
  /** `process.argv.slice(2)`: the CLI's own arguments (the command first). */
  argv: readonly string[];
}

/**
 * The flags a serving command needs on Node's command line that this process was not started with;
 * empty when there are none.
 *
 * - **On Node 24 and later, `--max-semi-space-size=16`**: the young generation Node 20 and 22 have. Node
 *   24 gives two 64 MB semi-spaces, and under the benchmark's load they were a third of the CLI's peak
 *   RSS: 287–290 MB against 198 MB with the flag. CPU per request stayed within the run-to-run noise, in
 *   alternation: 877–1,141 against 725–811 µs per stream, 277 against 321 µs per JSON request. An
 *   operator who sets the flag (in `NODE_OPTIONS` or on Node's command line) keeps theirs.
 *
 * @param started - This process as Node started it.
 * @returns Flags to re-execute with, in order.
 */
export function startupFlags(started: StartedProcess): string[] {
  if (!SERVING_COMMANDS.has(started.argv[0] ?? "")) return [];
  if (Number.parseInt(started.nodeVersion, 10) < 24) return [];
  const given = [...started.execArgv, ...(started.nodeOptions ?? "").split(/\s+/)];
  if (given.some((flag) => /^--max[-_]semi[-_]space[-_]size(=|$)/.test(flag))) return [];
  return [`--max-semi-space-size=${SEMI_SPACE_MB}`];
}

/**
 * How many malloc arenas glibc may create: its default is 8 per core, and the threads V8 compiles and
 * collects garbage on each grew their own.
 */
const MALLOC_ARENAS = "2";

/** Names the variables the restart added, so that the restarted process can take them out again. */
const RESTART_ENV_MARKER = "RESPONSES_BRIDGE_RESTART_ENV";

/**
 * The environment variables to restart with, next to {@link startupFlags}: empty when there are no flags
 * (no restart), off Linux, or when the operator chose already.
 *
 * - **On Linux, `MALLOC_ARENA_MAX=2`.** glibc reads it only when the process starts. Under the benchmark's
 *   load on Node 24, peak RSS went from 196–201 MB to 178–190 MB with it (four alternating runs); the
 *   thread arenas had held 25 MB. Other C libraries ignore the variable. An operator's own `MALLOC_ARENA_MAX`, or a
 *   `GLIBC_TUNABLES` naming `glibc.malloc.arena_max`, is kept.
 *
 * @param started - This process as Node started it.
 * @param env - This process's environment.
 * @param platform - `process.platform`.
 * @returns Variables to add for the restart.
 */
export function startupEnv(
  started: StartedProcess,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): Record<string, string> {
  if (platform !== "linux" || startupFlags(started).length === 0) return {};
  if (env.MALLOC_ARENA_MAX !== undefined || /arena_max/.test(env.GLIBC_TUNABLES ?? "")) return {};
  return { MALLOC_ARENA_MAX: MALLOC_ARENAS };
}

/**
 * In a restarted process, takes out of `env` the variables the restart added (glibc has read them), so
 * that the processes the CLI starts (Codex) get the operator's environment.
 *
 * @param env - This process's environment, changed in place.
 */
export function dropRestartEnv(env: NodeJS.ProcessEnv): void {
  const added = env[RESTART_ENV_MARKER];
  if (added === undefined) return;
  for (const name of added.split(",")) if (name !== RESTART_ENV_MARKER) delete env[name];
  delete env[RESTART_ENV_MARKER];
}

/** `process.execve` (Node 22.15 and 23.11 onwards), which `@types/node` 20 does not declare. */
type Execve = (file: string, args: readonly string[], env: NodeJS.ProcessEnv) => never;

/**
 * Replaces this process (same pid, same standard streams, nothing written yet) with Node started with
 * {@link startupFlags} added and {@link startupEnv} set, when there are flags and `process.execve` exists.
 * Returns when there is nothing to do or the platform cannot (`process.execve` throws on Windows): the
 * CLI then serves with V8's defaults. In the restarted process it returns at once, after
 * {@link dropRestartEnv}.
 *
 * @returns Only when the process was not replaced.
 */
export function restartWithStartupFlags(): void {
  if (process.env[RESTART_ENV_MARKER] !== undefined) {
    dropRestartEnv(process.env);
    return;
  }
  const started: StartedProcess = {
    nodeVersion: process.versions.node,
    execArgv: process.execArgv,
    nodeOptions: process.env.NODE_OPTIONS,
    argv: process.argv.slice(2),
  };
  const flags = startupFlags(started);
  const execve = (process as { execve?: Execve }).execve;
  if (flags.length === 0 || typeof execve !== "function") return;
  const added = startupEnv(started, process.env);
  const names = Object.keys(added);
  const env =
    names.length === 0 ? process.env : { ...process.env, ...added, [RESTART_ENV_MARKER]: names.join(",") };
  try {
    execve.call(
      process,
      process.execPath,
      [process.execPath, ...flags, ...process.execArgv, ...process.argv.slice(1)],
      env,
    );
  } catch {
    // Not replaced: serve as started.
  }
}
