import {
  type NodeHandlerOptions,
  type NodeHandlerSource,
  toNodeHandler,
  writeResult,
} from "@responses-bridge/node";
import type { ErrorRequestHandler, RequestHandler } from "express";

/** Options of {@link responsesRouter}; the same as every Node adapter's. */
export interface ResponsesRouterOptions extends NodeHandlerOptions {}

/**
 * What {@link responsesRouter} returns: the request handler, then an error handler that answers the
 * errors of a body parser that ran before it (`express.json()`) in OpenAI shape. Pass it to
 * `app.use(path, ...)` or `router.use(...)` as one value.
 */
export type ResponsesRouter = [RequestHandler, ErrorRequestHandler];

/** The `type` of the errors `body-parser` (`express.json()`, `express.raw()`...) passes to `next`. */
const BODY_PARSER_ERROR = /^(entity|request|encoding|charset|parameters|stream)\./;

/**
 * The bridge for Express 5 (and 4): every method and path under the mount point goes to the bridge,
 * which answers unknown paths with an OpenAI-shaped 404.
 *
 * ```ts
 * app.use("/v1", responsesRouter(handler)); // POST /v1/responses, GET|DELETE /v1/responses/:id, ...
 * ```
 *
 * Works with or without `express.json()` in front (an already parsed `req.body` is used, never parsed
 * twice); streams flush through `compression` middleware after every write.
 */
export function responsesRouter(
  handler: NodeHandlerSource,
  options: ResponsesRouterOptions = {},
): ResponsesRouter {
  const listener = toNodeHandler(handler, options);
  const serve: RequestHandler = (req, res) => {
    void listener(req, res);
  };
  const answerBodyParserError: ErrorRequestHandler = (error, req, res, next) => {
    const answer = res.headersSent ? undefined : fromBodyParserError(error, req.headers["content-encoding"]);
    if (!answer) {
      next(error);
      return;
    }
    const body = {
      error: { message: answer.message, type: "invalid_request_error", param: null, code: answer.code },
    };
    void writeResult(res, { kind: "json", status: answer.status, headers: {}, body });
  };
  return [serve, answerBodyParserError];
}

/** The error `body-parser` (`express.json()`...) passed on, in the core's words; undefined for other errors. */
function fromBodyParserError(error: unknown, encoding: string | undefined) {
  const { status, type, code, limit } = (error ?? {}) as Record<string, unknown>;
  if (typeof status !== "number" || status >= 500) return undefined;
  if (typeof code === "string" && code.startsWith("Z_")) {
    return { status: 400, message: `The request body could not be read as ${encoding}.`, code: null };
  }
  if (typeof type !== "string" || !BODY_PARSER_ERROR.test(type)) return undefined;
  if (type === "entity.too.large") {
    const message = `Request body too large: the limit is ${String(limit)} bytes.`;
    return { status, message, code: "request_too_large" };
  }
  if (type === "encoding.unsupported") {
    const message = `Unsupported content-encoding '${encoding}': send the body uncompressed, or gzip or deflate encoded.`;
    return { status, message, code: "unsupported_content_encoding" };
  }
  if (type === "entity.parse.failed") return { status, message: MALFORMED_JSON, code: null };
  return { status, message: String((error as Error).message), code: null };
}

const MALFORMED_JSON =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)";
