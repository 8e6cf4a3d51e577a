import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { keptRequestId } from "@responses-bridge/core/http";
import {
  type NodeServerLimits,
  nodeServerOptions,
  protectNodeServer,
  toNodeHandler,
} from "@responses-bridge/node";
import type { Bridge, RequestRecord } from "./create-bridge.js";
import type { Logger } from "./create-logger.js";
import { CliError, EXIT_CODES } from "./exit-codes.js";
import { originOf } from "./resolve-settings.js";

/** A listening bridge. */
export interface RunningServer {
  /** Base URL clients use, with `/v1`, e.g. `http://127.0.0.1:8080/v1`. */
  url: string;
  /** The port actually bound (useful with `--port 0`). */
  port: number;
  /** Requests being answered right now. */
  inflight(): number;
  /**
   * Stops accepting connections, lets in-flight requests (streams included) finish for up to `timeoutMs`,
   * then cuts whatever is left. Resolves `"drained"` or `"timeout"`.
   */
  shutdown(timeoutMs: number): Promise<"drained" | "timeout">;
  /** Cuts every connection now (a second signal). */
  destroy(): void;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** The bridge to serve. */
  bridge: Bridge;
  /** Request log. */
  logger: Logger;
  /** Interface. */
  host: string;
  /** Port (0: a free one). */
  port: number;
  /** Largest request body, passed to the Node adapter. */
  maxBodyBytes?: number;
  /**
   * Connection timeouts and limit (`createNodeServer`'s defaults: a connection that sends no request
   * head is closed after 15 s, an idle keep-alive one after 5 s, a request must arrive within 300 s).
   */
  limits?: NodeServerLimits;
  /** The CLI's own routes (health, readiness, metrics, CORS): returns true when it answered. */
  ops?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Served before the bridge, outside the request log and the in-flight count (the `--inspect` page). */
  mount?: {
    handle(req: IncomingMessage, res: ServerResponse): boolean;
    close(): void;
  };
}

const SHUTTING_DOWN = JSON.stringify({
  error: {
    message: "The server is shutting down. Please try again.",
    type: "server_error",
    param: null,
    code: "server_shutting_down",
  },
});

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (error.code === "EADDRINUSE") {
        reject(
          new CliError(
            `cannot listen on ${where}: the port is in use (another bridge? llama-server also defaults to 8080); pass --port`,
            EXIT_CODES.listenFailed,
          ),
        );
      } else if (error.code === "EACCES") {
        reject(
          new CliError(
            `cannot listen on ${where}: permission denied; pick a port above 1023`,
            EXIT_CODES.listenFailed,
          ),
        );
      } else {
        reject(
          new CliError(`cannot listen on ${where}: ${error.code ?? error.message}`, EXIT_CODES.listenFailed),
        );
      }
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/**
 * Serves the bridge over `node:http` through `toNodeHandler`, logging one line per request (method,
 * path, status, model, latency, tokens) from the handler's hooks, and shutting down gracefully.
 *
 * @throws {CliError} exit code 4 when the address cannot be bound.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { bridge, logger } = options;
  const nodeHandler = toNodeHandler(
    bridge.handler,
    options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes },
  );
  let inflight = 0;
  let closing = false;
  let drained: (() => void) | undefined;

  const server = createServer(nodeServerOptions(options.limits), (req, res) => {
    if (closing) {
      res.writeHead(503, { "content-type": "application/json", connection: "close", "retry-after": "1" });
      res.end(SHUTTING_DOWN);
      return;
    }
    if (options.ops?.(req, res)) return;
    if (options.mount?.handle(req, res)) return;
    const started = performance.now();
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    // The request id the handler will answer with (it keeps a sane incoming one): the key under which
    // its hooks leave their notes for this request's log line.
    const incoming = req.headers["x-request-id"];
    let requestId = keptRequestId(typeof incoming === "string" ? incoming : undefined);
    if (requestId === undefined) {
      requestId = `req_${randomUUID().replaceAll("-", "")}`;
      req.headers["x-request-id"] = requestId;
    }
    inflight += 1;
    res.once("close", () => {
      inflight -= 1;
      const record: RequestRecord = bridge.takeRecord(requestId) ?? {};
      logger.request({
        method: req.method ?? "GET",
        path,
        status: res.statusCode,
        latencyMs: performance.now() - started,
        ...(record.model === undefined ? {} : { model: record.model }),
        ...(record.outcome === undefined ? {} : { outcome: record.outcome }),
        ...(record.inputTokens === undefined ? {} : { inputTokens: record.inputTokens }),
        ...(record.outputTokens === undefined ? {} : { outputTokens: record.outputTokens }),
        ...(record.error === undefined ? {} : { error: record.error }),
        ...(record.requestId === undefined ? {} : { requestId: record.requestId }),
      });
      if (closing) {
        server.closeIdleConnections();
        if (inflight === 0) drained?.();
      }
    });
    void nodeHandler(req, res);
  });

  protectNodeServer(server, options.limits);
  await listen(server, options.host, options.port);
  const port = (server.address() as AddressInfo).port;

  return {
    url: `${originOf(options.host, port)}/v1`,
    port,
    inflight: () => inflight,
    destroy() {
      closing = true;
      options.mount?.close();
      server.close();
      server.closeAllConnections();
    },
    shutdown(timeoutMs) {
      closing = true;
      options.mount?.close();
      server.close();
      server.closeIdleConnections();
      if (inflight === 0) return Promise.resolve("drained");
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve("timeout");
        }, timeoutMs);
        drained = () => {
          clearTimeout(timer);
          server.closeIdleConnections();
          resolve("drained");
        };
      });
    },
  };
}
