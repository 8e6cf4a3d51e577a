import type { IncomingMessage, ServerResponse } from "node:http";
import type { BridgeMetrics } from "./metrics.js";

/** Options of {@link createOpsRoutes}. */
export interface OpsRoutesOptions {
  /** Serves `/metrics` when set. */
  metrics?: BridgeMetrics;
  /** Origins allowed by CORS (`*`: any); empty: no CORS headers. */
  cors: readonly string[];
  /** Whether the upstream answers, for `/readyz`. */
  ready: () => Promise<{ ok: boolean; detail: string }>;
}

const ALLOWED_HEADERS =
  "authorization, content-type, x-request-id, openai-beta, openai-organization, openai-project, x-stainless-arch, x-stainless-lang, x-stainless-os, x-stainless-package-version, x-stainless-retry-count, x-stainless-runtime, x-stainless-runtime-version, x-stainless-timeout";

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    "content-type": type,
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * The CLI's own routes in front of the bridge: `GET /healthz` (liveness: the process answers), `GET
 * /readyz` (readiness: the upstream answers `GET /models`), `GET /metrics` with `--metrics`, and CORS
 * (`--cors`): preflights answered with 204, `access-control-allow-origin` on every answer to an allowed
 * origin. Returns true when it answered the request itself.
 */
export function createOpsRoutes(options: OpsRoutesOptions) {
  const anyOrigin = options.cors.includes("*");
  const origins = new Set(options.cors);
  return function handleOps(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    if (origin !== undefined && (anyOrigin || origins.has(origin))) {
      res.setHeader("access-control-allow-origin", anyOrigin ? "*" : origin);
      res.setHeader("access-control-expose-headers", "x-request-id, retry-after");
      if (!anyOrigin) res.setHeader("vary", "origin");
      if (req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined) {
        res.writeHead(204, {
          "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
          "access-control-allow-headers": req.headers["access-control-request-headers"] ?? ALLOWED_HEADERS,
          "access-control-max-age": "600",
        });
        res.end();
        return true;
      }
    }
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") {
      send(res, 200, "application/json", '{"status":"ok"}');
      return true;
    }
    if (path === "/readyz") {
      options.ready().then(
        ({ ok, detail }) =>
          send(
            res,
            ok ? 200 : 503,
            "application/json",
            JSON.stringify({ status: ok ? "ready" : "unavailable", detail }),
          ),
        () => send(res, 503, "application/json", '{"status":"unavailable"}'),
      );
      return true;
    }
    if (path === "/metrics" && options.metrics) {
      send(res, 200, "text/plain; version=0.0.4; charset=utf-8", options.metrics.render());
      return true;
    }
    return false;
  };
}
