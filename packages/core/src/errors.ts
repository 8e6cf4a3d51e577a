/**
 * One error type for everything the bridge reports. Each error knows its HTTP status and
 * renders as the OpenAI error body `{ error: { message, type, param, code } }`.
 */

import { redactSecrets } from "./redact-secrets.js";

export { redactSecrets };

const marker = Symbol.for("responses-bridge.error");

/** OpenAI error `type` values the bridge uses. */
export type BridgeErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "not_found_error"
  | "rate_limit_error"
  | "server_error"
  | "upstream_error";

/** Constructor options for {@link ResponsesBridgeError}. */
export interface ResponsesBridgeErrorOptions {
  /** HTTP status the client receives. */
  status: number;
  /** OpenAI error type. */
  type: BridgeErrorType;
  /** Machine-readable code, e.g. `previous_response_not_found`. */
  code?: string | null;
  /** The request parameter at fault, as a dotted JSON path (e.g. `input.0.content`). */
  param?: string | null;
  /** Extra response headers (e.g. `retry-after` of an upstream 429). */
  headers?: Record<string, string>;
  /** The underlying error, kept for logs; never serialised to the client (its message is redacted too). */
  cause?: unknown;
}

/** The cause with registered secrets removed from its message (a copy when there was one). */
function redactCause(cause: unknown): unknown {
  if (!(cause instanceof Error)) return cause;
  const message = redactSecrets(cause.message);
  if (message === cause.message) return cause;
  const copy = new Error(message);
  copy.name = cause.name;
  return copy;
}

/**
 * Base class of every error the bridge throws or reports. Use {@link ResponsesBridgeError.isInstance}
 * rather than `instanceof`: it also works across duplicate installs of the package.
 *
 * Redacted at construction: the message, code, param, every header value and the cause's message pass
 * through {@link redactSecrets}, so a key an upstream echoes back reaches no client, hook or log.
 */
export class ResponsesBridgeError extends Error {
  /** HTTP status the client receives. */
  readonly status: number;
  /** OpenAI error type. */
  readonly type: BridgeErrorType;
  /** Machine-readable code, or null. */
  readonly code: string | null;
  /** The offending request parameter, or null. */
  readonly param: string | null;
  /** Extra response headers. */
  readonly headers: Record<string, string>;

  constructor(message: string, options: ResponsesBridgeErrorOptions) {
    super(
      redactSecrets(message),
      options.cause === undefined ? undefined : { cause: redactCause(options.cause) },
    );
    Object.defineProperty(this, marker, { value: true });
    this.name = "ResponsesBridgeError";
    this.status = options.status;
    this.type = options.type;
    this.code = options.code == null ? null : redactSecrets(options.code);
    this.param = options.param == null ? null : redactSecrets(options.param);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name] = redactSecrets(value);
    this.headers = headers;
  }

  /** True for any error created by this library, whichever copy of it created the error. */
  static isInstance(value: unknown): value is ResponsesBridgeError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

/** 400 for a request the bridge cannot accept. */
export function invalidRequest(message: string, param: string | null = null, code: string | null = null) {
  return new ResponsesBridgeError(message, { status: 400, type: "invalid_request_error", param, code });
}

/** 404 for an unknown resource. */
export function notFound(message: string) {
  return new ResponsesBridgeError(message, { status: 404, type: "invalid_request_error", code: "not_found" });
}

/** 400 `previous_response_not_found`, as OpenAI answers an unknown `previous_response_id`. */
export function previousResponseNotFound(id: string) {
  return new ResponsesBridgeError(`Previous response with id '${id}' not found.`, {
    status: 400,
    type: "invalid_request_error",
    param: "previous_response_id",
    code: "previous_response_not_found",
  });
}

/** A `retry-after` value: seconds, or an IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`). */
const RETRY_AFTER = /^(\d{1,10}(\.\d{1,3})?|[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)$/;

/** An error reported by the upstream (non-2xx). Keeps the upstream's status and a well-formed `retry-after`. */
export function upstreamError(
  status: number,
  message: string,
  options: { code?: string | null; retryAfter?: string | null; cause?: unknown } = {},
) {
  const headers: Record<string, string> = {};
  // Only a delay in seconds or an HTTP date is forwarded: anything else the upstream put there is dropped.
  const retryAfter = options.retryAfter?.trim();
  if (retryAfter && RETRY_AFTER.test(retryAfter)) headers["retry-after"] = retryAfter;
  const type: BridgeErrorType =
    status === 429
      ? "rate_limit_error"
      : status === 401 || status === 403
        ? "authentication_error"
        : status === 404
          ? "not_found_error"
          : status >= 500
            ? "server_error"
            : "invalid_request_error";
  return new ResponsesBridgeError(message, {
    status,
    type,
    code: options.code ?? (status === 429 ? "rate_limit_exceeded" : status >= 500 ? "upstream_error" : null),
    headers,
    cause: options.cause,
  });
}

const CONTEXT_OVERFLOW =
  /context[ _-]?(length|window)|maximum context|too many tokens|prompt is too long|exceeds? the (model'?s )?(max|context)|n_ctx|input (is )?too long/i;

/**
 * Recognises a backend's "prompt too long" error (OpenAI, vLLM, llama.cpp, Ollama, OpenRouter word it
 * differently) and rewrites it as OpenAI's `context_length_exceeded`, which clients act on (Codex
 * compacts or tells the user). Other errors are returned unchanged.
 */
export function mapContextOverflow(error: ResponsesBridgeError): ResponsesBridgeError {
  if (error.code === "context_length_exceeded") return error;
  if (error.status !== 400 && error.status !== 413 && error.status !== 422 && error.status < 500)
    return error;
  if (!CONTEXT_OVERFLOW.test(error.message)) return error;
  return new ResponsesBridgeError(error.message, {
    status: 400,
    type: "invalid_request_error",
    code: "context_length_exceeded",
    param: "input",
    cause: error,
  });
}

/** 502 when the upstream could not be reached or answered garbage. */
export function upstreamConnectionError(message: string, cause?: unknown) {
  return new ResponsesBridgeError(message, {
    status: 502,
    type: "server_error",
    code: "upstream_connection_error",
    cause,
  });
}

/** 504 when the upstream did not answer (or went silent) within the configured time. */
export function upstreamTimeout(message: string) {
  return new ResponsesBridgeError(message, { status: 504, type: "server_error", code: "upstream_timeout" });
}

/** 502 when the upstream's answer exceeded the configured size. */
export function upstreamResponseTooLarge(limit: number) {
  return new ResponsesBridgeError(
    `The upstream response exceeded the limit of ${limit} bytes; the call was cut.`,
    {
      status: 502,
      type: "server_error",
      code: "upstream_response_too_large",
    },
  );
}

/** Normalises anything thrown into a {@link ResponsesBridgeError}; unknown errors become a 500 without internals. */
export function toBridgeError(error: unknown): ResponsesBridgeError {
  if (ResponsesBridgeError.isInstance(error)) return error;
  return new ResponsesBridgeError("The server had an error while processing your request.", {
    status: 500,
    type: "server_error",
    code: "server_error",
    cause: error,
  });
}

/** The OpenAI error body for an error: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Renders an error as OpenAI's error body. */
export function toOpenAIErrorBody(error: unknown): OpenAIErrorBody {
  const bridgeError = toBridgeError(error);
  return {
    error: {
      message: bridgeError.message,
      type: bridgeError.type,
      param: bridgeError.param,
      code: bridgeError.code,
    },
  };
}
