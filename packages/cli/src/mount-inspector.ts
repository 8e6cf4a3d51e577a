import type { IncomingMessage, ServerResponse } from "node:http";
import type { BridgeObserver } from "@responses-bridge/core";

/** The inspector as the server mounts it next to the bridge. */
export interface InspectorMount {
  /** Pass to the handler: captures every turn. */
  observer: BridgeObserver;
  /** The path it is served under, e.g. `/__inspector`. */
  basePath: string;
  /** Serves `req` when it is for the inspector and returns true; false leaves it to the bridge. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Ends open live feeds (pages reconnect to the next server). */
  close(): void;
}

/** Options of {@link mountInspector}. */
export interface MountInspectorOptions {
  /** Let non-loopback clients in (`--inspect-remote`). */
  remote: boolean;
  /** The client key, when one is configured: the page then needs it (`?key=` once, or a bearer header). */
  accessKey?: string;
  /** Secrets to redact from what the inspector keeps. */
  secrets: readonly string[];
}

const LOOPBACK_ADDRESS = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const LOOPBACK_HOST = /^(localhost|[a-z0-9-]+\.localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

const FORBIDDEN = JSON.stringify({
  error: {
    message:
      "The inspector only answers loopback clients (open it on this machine, or start the bridge with --inspect-remote).",
    type: "permission_error",
    param: null,
    code: "inspector_loopback_only",
  },
});

async function writeWebResponse(response: Response, res: ServerResponse, abort: () => void): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  res.flushHeaders();
  const reader = response.body.getReader();
  res.once("close", () => {
    abort();
    void reader.cancel().catch(() => {});
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) return;
      res.write(value);
    }
    res.end();
  } catch {
    res.destroy();
  }
}

/**
 * Creates the live request inspector (`--inspect`) and its `node:http` mount: requests under
 * `/__inspector` are answered by the inspector, only for loopback clients (by socket address and by
 * `Host`, so a web page on another origin cannot reach it through DNS rebinding) unless `remote`.
 * The inspector package is loaded only here, so nothing of it runs without `--inspect`.
 */
export async function mountInspector(options: MountInspectorOptions): Promise<InspectorMount> {
  const { createInspector } = await import("@responses-bridge/inspector");
  const inspector = createInspector({
    secrets: options.secrets,
    ...(options.accessKey === undefined ? {} : { accessKey: options.accessKey }),
  });
  return {
    observer: inspector.observer,
    basePath: inspector.basePath,
    close: () => inspector.close(),
    handle(req, res) {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      if (!inspector.handles(path)) return false;
      if (
        !options.remote &&
        (!LOOPBACK_ADDRESS.test(req.socket.remoteAddress ?? "") ||
          !LOOPBACK_HOST.test(req.headers.host ?? ""))
      ) {
        res.writeHead(403, { "content-type": "application/json" });
        res.end(FORBIDDEN);
        return true;
      }
      const controller = new AbortController();
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined || name.startsWith(":")) continue;
        for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
      }
      const request = new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, {
        method: req.method ?? "GET",
        headers,
        signal: controller.signal,
      });
      // Bodies are never read: the inspector answers GET and HEAD only (others get a 405).
      req.resume();
      inspector
        .fetch(request)
        .then((response) => writeWebResponse(response, res, () => controller.abort()))
        .catch(() => res.destroy());
      return true;
    },
  };
}
