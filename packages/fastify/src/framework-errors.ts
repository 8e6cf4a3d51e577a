import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from "fastify";

/** Fastify's `frameworkErrors` server option: answers the errors Fastify raises before routing. */
export type FrameworkErrorsHandler = NonNullable<FastifyServerOptions["frameworkErrors"]>;

/** The router's errors for request targets it cannot decode, and the status Fastify gives each. */
const TARGET_ERRORS: Record<string, { status: number; message: (url: string) => string }> = {
  FST_ERR_BAD_URL: {
    status: 400,
    message: (url) =>
      `The request path ${JSON.stringify(url)} is not valid: it holds a malformed percent-escape.`,
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    message: () => "The request path is too long.",
  },
};

/**
 * A `frameworkErrors` handler for `Fastify({ frameworkErrors: responsesFrameworkErrors() })` that answers
 * request targets Fastify's router cannot decode (`/v1/responses/%E0%A4%A`, `/v1/responses/%`) with an
 * OpenAI-shaped error (`invalid_request_error`, 400; 414 for an over-long parameter) instead of Fastify's
 * own body. With `prefix`, only paths under it get that shape; others, and other framework errors, get
 * `fallback` (default: Fastify's usual answer). {@link responsesPlugin} installs it by itself when the
 * server has no `frameworkErrors` of its own.
 */
export function responsesFrameworkErrors(
  options: { prefix?: string; fallback?: FrameworkErrorsHandler } = {},
): FrameworkErrorsHandler {
  const prefix = (options.prefix ?? "").replace(/\/+$/, "");
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = TARGET_ERRORS[error.code];
    const url = request.raw.url ?? "/";
    const path = url.split("?")[0] ?? "/";
    if (!known || (prefix !== "" && path !== prefix && !path.startsWith(`${prefix}/`))) {
      if (options.fallback) return options.fallback(error, request, reply);
      return reply.send(error);
    }
    const body = {
      error: { message: known.message(path), type: "invalid_request_error", param: null, code: null },
    };
    return reply
      .code(known.status)
      .header("content-type", "application/json")
      .send(Buffer.from(JSON.stringify(body)));
  };
}

/**
 * Installs {@link responsesFrameworkErrors} on the server `app` belongs to, when the server was created
 * without a `frameworkErrors` of its own. Fastify reads that option on each bad request target, from an
 * options object it keeps under an internal symbol; when a Fastify release moves it, nothing is installed
 * (and Fastify answers as usual). Returns whether it was installed.
 */
export function installFrameworkErrors(app: object, prefix: string): boolean {
  const options = serverOptions(app);
  if (!options || options.frameworkErrors !== undefined) return false;
  options.frameworkErrors = responsesFrameworkErrors({ prefix });
  return true;
}

function serverOptions(app: object): { frameworkErrors?: unknown } | undefined {
  for (let node: object | null = app; node; node = Object.getPrototypeOf(node) as object | null) {
    for (const symbol of Object.getOwnPropertySymbols(node)) {
      if (symbol.description !== "fastify.options") continue;
      const value = (node as Record<symbol, unknown>)[symbol];
      return typeof value === "object" && value !== null
        ? (value as { frameworkErrors?: unknown })
        : undefined;
    }
  }
  return undefined;
}
