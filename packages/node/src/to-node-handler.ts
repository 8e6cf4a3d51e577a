import type { IncomingMessage, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { ResponsesHandler } from "@responses-bridge/core";
import { type BridgeResult, toBridgeError, toOpenAIErrorBody } from "@responses-bridge/core/http";
import { discardBody } from "./discard-body.js";
import { readNodeBody } from "./read-node-body.js";
import { writeResult } from "./write-result.js";

/** Options every Node adapter (node:http, Express, Fastify) honours the same way. */
export interface NodeHandlerOptions {
  /**
   * Largest accepted request body in bytes, after decompression; a larger one is a 413 OpenAI-shaped
   * error. Default: the handler's `maxBodyBytes` when it exposes one, else the core's 20 MiB.
   */
  maxBodyBytes?: number;
}

/** The handler an adapter accepts: the object from `createResponsesHandler` (only `handle` is used). */
export type NodeHandlerSource = Pick<ResponsesHandler, "handle"> & { readonly maxBodyBytes?: number };

/** A `node:http` request listener that resolves once the response has been written; it never rejects. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Options of {@link resolveNodeRequest}. */
export interface ResolveNodeRequestOptions extends NodeHandlerOptions {
  /** Body bytes to read instead of `req` (Fastify's `payload`). */
  body?: Readable;
}

/** What {@link resolveNodeRequest} produced: the result to write, and the signal that aborts when the client leaves. */
export interface ResolvedNodeRequest {
  /** The handler's answer (or the OpenAI-shaped error for an unreadable body). */
  result: BridgeResult;
  /** Aborted when `res` closes before it finished; pass it to {@link writeResult}. */
  signal: AbortSignal;
}

/**
 * Mounts the bridge on `node:http` (and anything built on it):
 *
 * ```ts
 * http.createServer(toNodeHandler(handler)).listen(8080);
 * ```
 *
 * Routes are matched by their ending (`…/responses`, `…/responses/{id}`), so any prefix works.
 * Streams are written with backpressure and headers flushed first; a client that disconnects aborts
 * the upstream call. A body already parsed into `req.body` by a middleware is used as is.
 */
export function toNodeHandler(handler: NodeHandlerSource, options: NodeHandlerOptions = {}): NodeHandler {
  return async (req, res) => {
    try {
      const { result, signal } = await resolveNodeRequest(handler, req, res, options);
      await writeResult(res, result, signal);
    } catch (error) {
      // Only a bug gets here (the handler answers every error itself): fail this request, not the process.
      if (!res.headersSent) await writeResult(res, errorResult(error)).catch(() => {});
      else res.destroy();
    }
  };
}

/**
 * The first half of {@link toNodeHandler}, for framework adapters that write JSON their own way:
 * ties an `AbortSignal` to the client connection and calls `handler.handle` with a `readBody` that reads
 * the body ({@link readNodeBody}) once `authenticate` accepted the request. Never throws for a bad body:
 * that becomes an OpenAI-shaped error result with the handler's `x-request-id`, reported to `onError`.
 * An answer given before the body was read whole (a 413, a 401, an unknown path) waits until the rest of
 * the body was read and dropped (at most 64 MiB or 10 s; past that it carries `Connection: close`), so
 * the client, done sending, reads it instead of a connection reset.
 */
export async function resolveNodeRequest(
  handler: NodeHandlerSource,
  req: IncomingMessage,
  res: ServerResponse,
  options: ResolveNodeRequestOptions = {},
): Promise<ResolvedNodeRequest> {
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort(new DOMException("The client disconnected.", "AbortError"));
  });
  const { path, query } = splitUrl((req as { originalUrl?: string }).originalUrl ?? req.url ?? "/");
  const result = await handler.handle({
    method: req.method ?? "GET",
    path,
    ...(query === undefined ? {} : { query }),
    headers: toHeaders(req),
    // Read once `authenticate` accepted the request; its errors get the handler's x-request-id and onError.
    readBody: () =>
      readNodeBody(req, {
        maxBodyBytes: options.maxBodyBytes ?? handler.maxBodyBytes,
        ...(options.body === undefined ? {} : { stream: options.body }),
      }),
    signal: controller.signal,
  });
  if (!req.complete && result.kind === "json" && (await discardBody(req)) === "limit") {
    return {
      result: { ...result, headers: { ...result.headers, connection: "close" } },
      signal: controller.signal,
    };
  }
  return { result, signal: controller.signal };
}

function errorResult(error: unknown): BridgeResult {
  const bridgeError = toBridgeError(error);
  return {
    kind: "json",
    status: bridgeError.status,
    headers: bridgeError.headers,
    body: toOpenAIErrorBody(bridgeError),
  };
}

/**
 * The path and query of a request target. Plain origin-form targets (`/v1/responses?x=1`) are split
 * directly; anything else (absolute-form, dot segments, backslashes) goes through `URL` to be normalised.
 */
function splitUrl(target: string): { path: string; query: URLSearchParams | undefined } {
  const mark = target.indexOf("?");
  const path = mark === -1 ? target : target.slice(0, mark);
  if (path.charCodeAt(0) === 47 /* / */ && !/\/\.|\\|\/\//.test(path)) {
    return { path, query: mark === -1 ? undefined : new URLSearchParams(target.slice(mark + 1)) };
  }
  const url = new URL(target, "http://localhost");
  return { path: url.pathname, query: url.searchParams };
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(":")) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}
