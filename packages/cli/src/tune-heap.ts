// V8's heap, tuned for the CLI's own process (a long-running server): set at start with
// `v8.setFlagsFromString`, since Node 20 neither takes these flags in `NODE_OPTIONS` nor can re-execute
// itself with them. Both flags are read each time V8 uses them, so they take effect at run time.
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
const HEAP_GROWING_PERCENT = 25;

/**
 * Tunes V8's heap for the CLI's server process. A library never calls this: it changes V8 for the whole
 * process, which is its host's to decide.
 *
 * - **The old generation grows by at most 25% between full collections** (`--heap-growing-percent`). Under
 *   the benchmark's load most of the CLI's peak RSS was garbage the collector had let pile up: 199–214 MB
 *   against 136–150 MB with this flag on Node 20, with no CPU cost beyond the run-to-run noise (the live
 *   heap is small); 308 against 286 MB on Node 24, where the young generation is most of it.
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
  const flags = [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`];
  if (Number.parseInt(nodeVersion, 10) < 22) flags.push(`--gc-memory-reducer-start-delay-ms=${NEVER_MS}`);
  for (const flag of flags) setFlags(flag);
  return flags;
}
