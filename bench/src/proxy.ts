// The floor of any Node HTTP hop: a reverse proxy on node:http that forwards each chat request to the
// upstream verbatim (keep-alive agent) and pipes the reply back, translating nothing. Measured next to
// the bridge, it separates what a second HTTP hop costs in Node on this machine from what the bridge's
// own code adds.
import { Agent, createServer, request } from "node:http";
import { listenLoopback } from "./bridge.js";

/** Starts the proxy on 127.0.0.1 in front of `upstreamURL` (which includes `/v1`). */
export async function startProxy(upstreamURL: string): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(upstreamURL);
  const agent = new Agent({ keepAlive: true, maxSockets: 256, scheduling: "lifo" });
  const server = createServer((req, res) => {
    const forward = request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        path: `${upstream.pathname}${(req.url ?? "/").replace(/^\/v1/, "")}`,
        method: req.method,
        headers: req.headers,
        agent,
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    forward.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    res.once("close", () => {
      if (!res.writableFinished) forward.destroy();
    });
    req.pipe(forward);
  });
  return listenLoopback(server);
}
