import type { ServerResponse } from "node:http";
import { type BridgeResult, jsonBodyText } from "@responses-bridge/core/http";

/** A response that compression middleware (`compression`) patched with a `flush()`. */
type FlushableResponse = ServerResponse & { flush?: () => void };

/**
 * Writes a bridge result to a Node response: JSON in one `end`, or SSE with the headers sent together
 * with the first piece, one `write` per piece of SSE text (the same bytes `handler.fetch` sends; a last
 * piece and the end of the body leave together), `res.flush()` after each write when compression
 * middleware added it, and a wait for `drain` before writing into a full socket buffer, so a slow
 * reader stops the bridge from pulling the upstream (one piece ahead at most). When the
 * client leaves (`res` closes or `signal` aborts) the stream is ended early, which aborts the
 * upstream request. Never throws for a client that went away.
 */
export async function writeResult(
  res: ServerResponse,
  result: BridgeResult,
  signal?: AbortSignal,
): Promise<void> {
  if (result.kind === "json") {
    const payload = jsonBodyText(result.body);
    // Not `{ ...result.headers, … }`: on Node 20 that literal gets a hidden class of its own per call.
    res.writeHead(
      result.status,
      Object.assign({}, result.headers, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(payload),
      }),
    );
    res.end(payload);
    return;
  }
  const flushable = res as FlushableResponse;
  // The headers leave with the first piece (the handler yields `response.created` at once).
  res.writeHead(result.status, result.headers);
  const iterator = result.body[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (signal?.aborted || res.destroyed) return;
      // The next piece is pulled while the last one drains: one piece ahead at most.
      const next = await iterator.next();
      if (next.done) break;
      if (res.destroyed) return;
      if (next.value.length === 0) continue;
      if (res.writableNeedDrain) {
        await drained(res);
        if (res.destroyed) return;
      }
      // Node corks a response's socket until the next tick on each write, so when the stream ends
      // before then (the upstream's last read held the rest of the reply) its last events and the end
      // of the body leave in one write: the drain is awaited before a next write, not after this one.
      res.write(next.value);
      flushable.flush?.();
    }
  } finally {
    // A no-op once the stream ended; otherwise finishes the translation and aborts the upstream.
    await iterator.return?.();
    if (!res.writableEnded) res.end();
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
