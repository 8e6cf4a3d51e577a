import type { IncomingMessage } from "node:http";

/** Limits of {@link discardBody}. */
export interface DiscardLimits {
  /** Most bytes read and dropped. Default 64 MiB. */
  maxBytes?: number;
  /** Longest time spent reading them, in milliseconds. Default 10,000. */
  maxMs?: number;
}

/** How {@link discardBody} ended: `"ended"` (the client sent its whole body) or `"limit"` (it kept sending). */
export type DiscardOutcome = "ended" | "limit";

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_MS = 10_000;

/**
 * Reads and drops what is left of a request body the bridge will not use (a 413, or any answer given
 * before the body was read), within limits, so the answer is written to a connection whose client
 * finished sending. A server that closes a socket with unread bytes makes the kernel send a reset,
 * which can reach the client before it read the answer (it then sees EPIPE or ECONNRESET instead).
 * Resolves `"limit"` when the client sent more than `maxBytes`, or for longer than `maxMs`: the caller
 * then answers with `Connection: close`. Pipes into a decoder are undone first, so a compressed body is
 * not decompressed for nothing.
 */
export function discardBody(req: IncomingMessage, limits: DiscardLimits = {}): Promise<DiscardOutcome> {
  if (req.complete || req.destroyed || req.readableEnded) return Promise.resolve("ended");
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxMs = limits.maxMs ?? DEFAULT_MAX_MS;
  return new Promise((resolve) => {
    let bytes = 0;
    const finish = (outcome: DiscardOutcome) => {
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onEnd);
      req.off("error", onEnd);
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) finish("limit");
    };
    const onEnd = () => finish("ended");
    const timer = setTimeout(() => finish("limit"), maxMs);
    timer.unref?.();
    req.unpipe();
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("close", onEnd);
    req.once("error", onEnd);
    req.resume();
  });
}
