import { invalidRequest, ResponsesBridgeError } from "@responses-bridge/core";
import { parseJsonBody, payloadTooLarge, unsupportedContentEncoding } from "@responses-bridge/core/http";
import { type NodeHandlerOptions, type NodeHandlerSource, toNodeHandler } from "@responses-bridge/node";
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from "express";

/** Options of {@link responsesRouter}; the same as every Node adapter's. */
export interface ResponsesRouterOptions extends NodeHandlerOptions {}

/** The `type` of the errors `body-parser` (`express.json()`, `express.raw()`...) passes to `next`. */
const BODY_PARSER_ERROR = /^(entity|request|encoding|charset|parameters|stream)\./;

/**
 * The bridge for Express 5 (and 4), as an `express.Router` of the Express your app uses: every method
 * and path under the mount point goes to the bridge, which answers unknown paths with an OpenAI-shaped 404.
 *
 * ```ts
 * app.use("/v1", responsesRouter(handler)); // POST /v1/responses, GET|DELETE /v1/responses/:id, ...
 * ```
 *
 * Works with or without `express.json()` in front (an already parsed `req.body` is used, never parsed
 * twice); streams flush through `compression` middleware after every write. A body parser's error is
 * answered by the handler itself, as the core's body error (same message, status and code as when the
 * bridge reads the body), with its `x-request-id` and through its `onError` hook, when the router is
 * mounted with `app.use` (see the README for a router nested in another Router).
 *
 * @param handler - The bridge, from `createResponsesHandler` (or any `{ handle, maxBodyBytes }`).
 * @param options - Adapter options ({@link ResponsesRouterOptions}).
 * @returns A new `express.Router`; mount it with `app.use(path, router)`.
 */
export function responsesRouter(handler: NodeHandlerSource, options: ResponsesRouterOptions = {}): Router {
  const listener = toNodeHandler(handler, options);
  const serve: RequestHandler = (req, res) => {
    void listener(req, res);
  };
  const answerBodyParserError: ErrorRequestHandler = (error, req, res, next) => {
    const bodyError = res.headersSent
      ? undefined
      : fromBodyParserError(error, req.headers["content-encoding"]);
    if (!bodyError) {
      next(error);
      return;
    }
    // The request goes through the handler as any other (authentication, routing, x-request-id, onError);
    // reading its body is what fails, with the core's error.
    const failing: NodeHandlerSource = {
      maxBodyBytes: handler.maxBodyBytes,
      handle: (input) => handler.handle({ ...input, body: undefined, readBody: bodyError }),
    };
    void toNodeHandler(failing, options)(req, res);
  };
  const router = express.Router();
  router.use(serve, answerBodyParserError);
  answerErrorsInFront(router, answerBodyParserError);
  return router;
}

/**
 * Has `app.use(path, router)` also mount `answer` on the app, at the same path, right after the router.
 *
 * Express hands an error only to functions of four parameters, and a Router is a function of three, so
 * the error of a body parser mounted before the router (`app.use(express.json())`) never enters it.
 * `app.use` (Express 4 and 5) tells a mounted value where it went only when it looks like an app
 * (`handle` and `set`): it then calls the value's `handle(req, res, next)` (which a Router has) and
 * `emit("mount", parentApp)`. The router answers to that and mounts the error handler beside itself.
 * (`router.use(...)` of another Router has no such event: there, a parser in front answers its own errors.)
 */
function answerErrorsInFront(router: Router, answer: ErrorRequestHandler): void {
  type Parent = { use(path: unknown, handler: ErrorRequestHandler): unknown };
  const mounted = router as Router & { mountpath?: unknown };
  Object.defineProperties(router, {
    set: { value: () => router, configurable: true, writable: true },
    emit: {
      value: (event: string, parent: Parent | undefined) => {
        if (event !== "mount" || typeof parent?.use !== "function") return false;
        parent.use(mounted.mountpath ?? "/", answer);
        return true;
      },
      configurable: true,
      writable: true,
    },
  });
}

/**
 * The error `body-parser` (`express.json()`...) passed on, as a body reader that fails (or parses) the way
 * the core's reader would; undefined for errors that are not a body parser's.
 */
function fromBodyParserError(
  error: unknown,
  encoding: string | undefined,
): (() => Promise<unknown>) | undefined {
  const { status, type, code, limit, body } = (error ?? {}) as Record<string, unknown>;
  if (typeof status !== "number" || status >= 500) return undefined;
  const fail = (bridgeError: ResponsesBridgeError) => () => Promise.reject(bridgeError);
  if (typeof code === "string" && code.startsWith("Z_")) {
    return fail(invalidRequest(`The request body could not be read as ${encoding}.`));
  }
  if (typeof type !== "string" || !BODY_PARSER_ERROR.test(type)) return undefined;
  if (type === "entity.too.large") return fail(payloadTooLarge(Number(limit)));
  if (type === "encoding.unsupported") return fail(unsupportedContentEncoding(String(encoding)));
  // Malformed JSON, or JSON `express.json()` refused in strict mode: the core parses the same text, so
  // the answer is the core's (malformed is a 400 with OpenAI's message; a non-object, the handler's 400).
  if (type === "entity.parse.failed") return async () => parseJsonBody(typeof body === "string" ? body : "");
  const message = error instanceof Error ? error.message : String(type);
  return fail(new ResponsesBridgeError(message, { status, type: "invalid_request_error" }));
}
