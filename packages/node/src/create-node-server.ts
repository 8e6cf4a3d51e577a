import { createServer, type IncomingMessage, type Server, type ServerOptions } from "node:http";
import type { Duplex } from "node:stream";
import { type NodeHandlerOptions, type NodeHandlerSource, toNodeHandler } from "./to-node-handler.js";

/** Connection limits of a `node:http` server, as {@link createNodeServer} sets them. */
export interface NodeServerLimits {
  /**
   * Time a connection has to send a whole request head, in milliseconds; a connection that sends
   * nothing at all is closed after it too (Node answers 408). Default 15,000. Node checks it every
   * second here (`connectionsCheckingInterval`), so a connection is closed at most a second late.
   */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request, head and body, in milliseconds. Default 300,000. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection waits for its next request, in milliseconds. Default 5,000. */
  keepAliveTimeoutMs?: number;
  /** Most open connections; further ones are closed as they arrive. Default: no limit. */
  maxConnections?: number;
}

/** Options of {@link createNodeServer}: the adapter's and the server's. */
export interface NodeServerOptions extends NodeHandlerOptions, NodeServerLimits {}

const DEFAULT_HEADERS_TIMEOUT_MS = 15_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** How long a connection answered with an error stays open to read what its client still sends. */
const LINGER_MS = 2_000;

/**
 * The `http.createServer` options that apply {@link NodeServerLimits}' timeouts (and `noDelay`), for a
 * server you create yourself: `createServer(nodeServerOptions(limits), listener)`. Pair it with
 * {@link protectNodeServer}.
 */
export function nodeServerOptions(limits: NodeServerLimits = {}): ServerOptions {
  const requestTimeout = limits.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const headersTimeout = limits.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  return {
    noDelay: true,
    requestTimeout,
    // Node refuses a headers timeout longer than the request timeout (when that one is set).
    headersTimeout: requestTimeout > 0 ? Math.min(headersTimeout, requestTimeout) : headersTimeout,
    keepAliveTimeout: limits.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(headersTimeout / 2))),
  };
}

/**
 * Makes a `node:http` server answer what never reaches a request listener in OpenAI shape, and apply
 * `maxConnections`: a request Node cannot parse (a bad method, a control character in the path, a
 * malformed chunked body) gets a 400 (431 for oversized headers, 408 for a timeout) and `CONNECT` a
 * 405, each with `Connection: close`; the connection then stays open for a moment, reading and dropping
 * what the client still sends, so the answer is not overtaken by a reset.
 */
export function protectNodeServer(
  server: Server,
  limits: Pick<NodeServerLimits, "maxConnections"> = {},
): Server {
  if (limits.maxConnections !== undefined) server.maxConnections = limits.maxConnections;
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    // Bytes after a parse error are fed to the failed parser again, each a new clientError: the first
    // one answered; the rest of the input is being dropped.
    if (answered.has(socket)) return;
    const response = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === "ECONNRESET" || !socket.writable || response?.headersSent) {
      socket.destroy();
      return;
    }
    const status =
      error.code === "HPE_HEADER_OVERFLOW"
        ? 431
        : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? 408
          : error.code === "HPE_CHUNK_EXTENSIONS_OVERFLOW"
            ? 413
            : 400;
    answerAndClose(socket, status, CLIENT_ERROR_MESSAGES[status] ?? CLIENT_ERROR_MESSAGES[400]!);
  });
  server.on("connect", (_req: IncomingMessage, socket: Duplex) => {
    answerAndClose(socket, 405, "Method CONNECT is not allowed: this server is not a proxy.");
  });
  return server;
}

/**
 * A `node:http` server serving the bridge with the recommended limits: {@link toNodeHandler} as its
 * listener, {@link nodeServerOptions}' timeouts (a connection that sends nothing is closed after
 * `headersTimeoutMs`) and {@link protectNodeServer}'s answers.
 *
 * ```ts
 * createNodeServer(handler, { maxConnections: 1000 }).listen(8080);
 * ```
 */
export function createNodeServer(handler: NodeHandlerSource, options: NodeServerOptions = {}): Server {
  const adapterOptions = options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes };
  const server = createServer(nodeServerOptions(options), toNodeHandler(handler, adapterOptions));
  return protectNodeServer(server, options);
}

/** Sockets already answered by {@link answerAndClose}. */
const answered = new WeakSet<Duplex>();

const CLIENT_ERROR_MESSAGES: Record<number, string> = {
  400: "The request could not be parsed as HTTP/1.1.",
  408: "The request was not received in time.",
  413: "The request's chunked encoding is too large.",
  431: "The request's headers are too large.",
};

const REASONS: Record<number, string> = {
  400: "Bad Request",
  405: "Method Not Allowed",
  408: "Request Timeout",
  413: "Payload Too Large",
  431: "Request Header Fields Too Large",
};

/** Writes an OpenAI-shaped answer on a raw socket, ends it, and destroys it once the client hung up or after a moment. */
function answerAndClose(socket: Duplex, status: number, message: string): void {
  answered.add(socket);
  const body = JSON.stringify({
    error: { message, type: "invalid_request_error", param: null, code: null },
  });
  socket.on("error", () => {});
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  // Read and drop what the client still sends for a moment (the HTTP parser no longer sees it), so
  // closing does not reset the answer away.
  socket.removeAllListeners("data");
  socket.on("data", () => {});
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref?.();
  socket.once("close", () => clearTimeout(timer));
}
