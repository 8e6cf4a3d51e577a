import { type ResponsesBridgeError, redactSecrets } from "../errors.js";
import type { HookContext } from "./context.js";

/** Fields logged with each reported failure. */
export interface BridgeLogFields {
  /** The request's `x-request-id`. */
  requestId: string;
  /** HTTP status answered (or carried by the `response.failed` event of a stream). */
  status: number;
  /** Error type, e.g. `server_error`. */
  type: string;
  /** Error code, e.g. `upstream_connection_error`, when there is one. */
  code: string | null;
  /** The tenant of the principal, when `authenticate` set one. */
  tenant?: string;
}

/**
 * Where the handler reports failures the operator must hear about: upstream failures and every 5xx
 * (at `error`), and the upstream's own 4xx answers such as a rejected API key (at `warn`). Client
 * mistakes (400, 401 from `authenticate`, 404) are not logged. Messages never hold the upstream API key.
 */
export interface BridgeLogger {
  /** A 5xx: the upstream is unreachable, timed out, failed, or the bridge itself failed. */
  error(message: string, fields: BridgeLogFields): void;
  /** A 4xx answered by the upstream (bad key, unknown model, rate limit). Default: `error`. */
  warn?(message: string, fields: BridgeLogFields): void;
}

const CONSOLE_LOGGER: BridgeLogger = {
  error: (message, fields) => console.error(`[responses-bridge] ${line(message, fields)}`),
  warn: (message, fields) => console.warn(`[responses-bridge] ${line(message, fields)}`),
};

function line(message: string, fields: BridgeLogFields): string {
  return `${fields.requestId} ${fields.status}${fields.code ? ` ${fields.code}` : ""}: ${message}`;
}

function isUpstreamFailure(error: ResponsesBridgeError): boolean {
  return error.code?.startsWith("upstream_") === true || error.message.startsWith("Upstream error");
}

/**
 * The failure reporter for the `logger` option: undefined for `false`, `console.error`/`console.warn`
 * when unset. Runs only on the error path.
 */
export function createErrorLog(
  logger: BridgeLogger | false | undefined,
): ((error: ResponsesBridgeError, context: HookContext) => void) | undefined {
  if (logger === false) return undefined;
  const sink = logger ?? CONSOLE_LOGGER;
  return (error, context) => {
    const server = error.status >= 500;
    if (!server && !isUpstreamFailure(error)) return;
    const fields: BridgeLogFields = {
      requestId: context.requestId,
      status: error.status,
      type: error.type,
      code: error.code,
    };
    if (typeof context.principal?.tenant === "string") fields.tenant = context.principal.tenant;
    let message = error.message;
    // An unexpected failure answers a generic message; the operator needs its cause.
    if (error.code === "server_error" && error.cause instanceof Error) message += ` (${error.cause.message})`;
    message = redactSecrets(message);
    try {
      if (server || !sink.warn) sink.error(message, fields);
      else sink.warn(message, fields);
    } catch {
      // A failing logger must not turn into a failing request.
    }
  };
}
