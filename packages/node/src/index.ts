import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import {
  type BridgeResult,
  type ResponsesHandler,
  readJsonBody,
  toBridgeError,
  toOpenAIErrorBody,
} from "@responses-bridge/core";

/** Options for {@link toNodeHandler}. */
export interface NodeHandlerOptions {
  /** Largest accepted request body in bytes (after decompression). Default: the core's 20 MiB. */
  maxBodyBytes?: number;
}

/** A `node:http` request listener that resolves once the response has been written. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Mounts the bridge on `node:http` (and anything built on it):
 *
 * ```ts
 * http.createServer(toNodeHandler(handler)).listen(8080);
 * ```
 *
 * Streams are written event batch by event batch with backpressure (waits for `drain`), headers are
 * flushed before the first event, and a client that disconnects aborts the upstream call.
 * If another middleware already parsed the JSON body into `req.body`, it is used as is.
 */
export function toNodeHandler(
  handler: Pick<ResponsesHandler, "handle">,
  options: NodeHandlerOptions = {},
): NodeHandler {
  return async (req, res) => {
    const controller = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) controller.abort(new Error("The client disconnected."));
    };
    res.once("close", onClose);
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      const headers = toHeaders(req);
      let body: unknown;
      if (req.method === "POST") {
        const parsed = (req as IncomingMessage & { body?: unknown }).body;
        if (
          parsed !== undefined &&
          typeof parsed === "object" &&
          parsed !== null &&
          !Buffer.isBuffer(parsed)
        ) {
          body = parsed;
        } else {
          const request = new Request(url, {
            method: "POST",
            headers,
            body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
            duplex: "half",
          } as RequestInit);
          try {
            body = await readJsonBody(request, options.maxBodyBytes);
          } catch (error) {
            const bridgeError = toBridgeError(error);
            await writeResult(res, {
              kind: "json",
              status: bridgeError.status,
              headers: bridgeError.headers,
              body: toOpenAIErrorBody(bridgeError),
            });
            return;
          }
        }
      }
      const result = await handler.handle({
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers,
        body,
        signal: controller.signal,
      });
      await writeResult(res, result, controller.signal);
    } finally {
      res.off("close", onClose);
    }
  };
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return headers;
}

/**
 * Writes a bridge result to a Node response: JSON in one `end`, or SSE batch by batch, waiting for
 * `drain` when the socket buffer is full. Exported for the Express and Fastify adapters.
 */
export async function writeResult(
  res: ServerResponse,
  result: BridgeResult,
  signal?: AbortSignal,
): Promise<void> {
  if (result.kind === "json") {
    const payload = JSON.stringify(result.body);
    res.writeHead(result.status, {
      ...result.headers,
      "content-type": "application/json",
      "content-length": Buffer.byteLength(payload),
    });
    res.end(payload);
    return;
  }
  res.writeHead(result.status, result.headers);
  res.flushHeaders();
  const iterator = result.body[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (signal?.aborted || res.destroyed) return;
      const next = await iterator.next();
      if (next.done) break;
      if (next.value.length === 0) continue;
      if (!res.write(next.value)) await drained(res);
    }
    res.end();
  } finally {
    // Finishes the translation early when the client left: this aborts the upstream request.
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
