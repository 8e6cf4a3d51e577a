// V8's memory reducer, held off on Node 20 for the CLI's own process.
import { setFlagsFromString } from "node:v8";

/**
 * Start delay given to V8's memory reducer: about 23 days, so that in practice it never starts. The flag
 * is read each time the reducer would be scheduled, so unlike `--no-memory-reducer` (which Node 20
 * refuses in `NODE_OPTIONS`) it takes effect when set at run time.
 */
const NEVER_MS = 2_000_000_000;

/**
 * Holds off V8's memory reducer when the CLI runs on Node 20 (V8 11.3); a no-op on Node 22 and later.
 *
 * After a few seconds without requests the reducer shrinks the heap, and on Node 20 the requests that
 * follow then cost two to four times the CPU for as long as the next burst lasts (measured on the built
 * CLI, 25 s idle between bursts: 1,850-1,930 µs per JSON request, against 370-530 µs with the reducer
 * held off, the same as with `node --no-memory-reducer`). On Node 24 the reducer costs nothing measurable,
 * so V8 is left as it is. The price: an idle process keeps the heap its last burst grew to (peak RSS is
 * unchanged). Only the CLI's entry calls this: a library never changes its host's V8 flags.
 *
 * @returns Whether the flag was set.
 */
export function holdOffMemoryReducer(
  nodeVersion: string = process.versions.node,
  setFlags: (flags: string) => void = setFlagsFromString,
): boolean {
  const major = Number.parseInt(nodeVersion, 10);
  if (!(major < 22)) return false;
  setFlags(`--gc-memory-reducer-start-delay-ms=${NEVER_MS}`);
  return true;
}
