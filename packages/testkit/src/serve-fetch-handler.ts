import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { ListenOptions, ScriptedServer } from "./types.js";

/** A Web-standard request handler. */
export type FetchHandler = (request: Request) => Promise<Response>;

async function readBody(request: IncomingMessage): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  return new Uint8Array(Buffer.concat(chunks));
}

function toHeaders(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith(":") || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/**
 * Write one chunk and resolve once it was handed to the socket: `true`, or `false` when it could not be
 * (the response closed, or the write failed). Node 24 fails the writes of a socket the peer closed at once
 * (`ECANCELED`), a tick or more before the response reports `close`, so a failed write is the first sign
 * that the client left.
 */
function write(response: ServerResponse, chunk: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    if (response.destroyed) return resolve(false);
    const onClose = () => resolve(false);
    response.once("close", onClose);
    response.write(chunk, (error) => {
      response.off("close", onClose);
      resolve(!error);
    });
  });
}

async function bridge(
  handler: FetchHandler,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const controller = new AbortController();
  const clientLeft = () => controller.abort(new DOMException("The client disconnected.", "AbortError"));
  outgoing.on("close", () => {
    if (!outgoing.writableFinished) clientLeft();
  });
  const method = incoming.method ?? "GET";
  const body = method === "GET" || method === "HEAD" ? undefined : await readBody(incoming);
  const host = incoming.headers.host ?? "127.0.0.1";
  const request = new Request(`http://${host}${incoming.url ?? "/"}`, {
    method,
    headers: toHeaders(incoming),
    body: body ?? null,
    signal: controller.signal,
  });

  let response: Response;
  try {
    response = await handler(request);
  } catch (error) {
    if (outgoing.destroyed || controller.signal.aborted) return;
    const message = error instanceof Error ? error.message : String(error);
    outgoing.writeHead(500, { "content-type": "application/json" });
    outgoing.end(JSON.stringify({ error: { message, type: "server_error", param: null, code: null } }));
    return;
  }
  if (outgoing.destroyed) {
    await response.body?.cancel().catch(() => {});
    return;
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  outgoing.writeHead(response.status, headers);
  if (!response.body) {
    outgoing.end();
    return;
  }
  outgoing.flushHeaders();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (outgoing.destroyed || !(await write(outgoing, value))) {
        // The client left: stop producing, and let the request's signal tell the handler.
        clientLeft();
        outgoing.destroy();
        await reader.cancel().catch(() => {});
        return;
      }
    }
  } catch {
    // The body errored (a scripted break, or the client went away): cut the connection without ending it.
    outgoing.destroy();
    return;
  }
  outgoing.end();
}

/**
 * Serve a Web-standard handler over `node:http`, writing each body chunk as soon as it is produced.
 * When the client disconnects, the request's `signal` aborts; when the body errors, the connection is
 * destroyed. `close()` destroys every open connection.
 */
export function serveFetchHandler(
  handler: FetchHandler,
  options: ListenOptions = {},
): Promise<ScriptedServer> {
  const server = createServer({ noDelay: true }, (incoming, outgoing) => {
    bridge(handler, incoming, outgoing).catch(() => {
      outgoing.destroy();
    });
  });
  return listenNodeServer(server, options);
}

/**
 * Starts any `node:http` server (an adapter mounted on it, a fake upstream) on a free port of
 * `127.0.0.1` unless `options` say otherwise. The URL ends in `/v1`; `close()` stops listening and
 * destroys every open connection, keep-alive ones included, so a test never waits on idle sockets.
 */
export function listenNodeServer(server: Server, options: ListenOptions = {}): Promise<ScriptedServer> {
  const host = options.host ?? "127.0.0.1";
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : (options.port ?? 0);
      const urlHost = host.includes(":") ? `[${host}]` : host;
      resolve({
        url: `http://${urlHost}:${port}/v1`,
        close: () =>
          new Promise<void>((resolveClose) => {
            for (const socket of sockets) socket.destroy();
            server.closeAllConnections();
            server.close(() => resolveClose());
          }),
      });
    });
  });
}
