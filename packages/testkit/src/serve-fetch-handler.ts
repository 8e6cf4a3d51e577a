import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { ListenOptions, ScriptedServer } from "./types.js";

/** A Web-standard request handler. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * The request body as a web stream fed from `request` with backpressure, so a handler that stops reading
 * (a 413) never makes the server buffer the rest. Cancelling it only stops the feed: what the client
 * still sends is read and dropped by {@link discardRest} before the answer is written.
 */
function bodyStream(request: IncomingMessage): { stream: ReadableStream<Uint8Array>; stop(): void } {
  let open = true;
  let stop = () => {
    open = false;
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const settle = (error?: unknown) => {
          if (!open) return;
          open = false;
          request.off("data", onData);
          if (error === undefined) controller.close();
          else controller.error(error);
        };
        const onData = (chunk: Buffer) => {
          if (!open) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) request.pause();
        };
        stop = () => {
          open = false;
          request.off("data", onData);
        };
        request.on("data", onData);
        request.once("end", () => settle());
        request.once("error", (error) => settle(error));
        request.once("close", () => {
          if (!request.complete) settle(new Error("The client closed the request early."));
        });
        request.pause();
      },
      pull() {
        if (open) request.resume();
      },
      cancel() {
        stop();
      },
    },
    { highWaterMark: 16 },
  );
  return { stream, stop: () => stop() };
}

/** Most bytes, and longest time, spent reading and dropping a body the handler did not read. */
const DISCARD_MAX_BYTES = 64 * 1024 * 1024;
const DISCARD_MAX_MS = 10_000;

/**
 * Reads and drops what is left of a request body the handler did not read (a 413), within limits, so the
 * answer reaches a client done sending: closing a socket with unread bytes makes the kernel send a reset
 * that can overtake the answer. Resolves `false` when the client sent more than the limits allow.
 */
function discardRest(request: IncomingMessage): Promise<boolean> {
  if (request.complete || request.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    let bytes = 0;
    const finish = (ended: boolean) => {
      clearTimeout(timer);
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("close", onEnd);
      resolve(ended);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > DISCARD_MAX_BYTES) finish(false);
    };
    const onEnd = () => finish(true);
    const timer = setTimeout(() => finish(false), DISCARD_MAX_MS);
    request.on("data", onData);
    request.once("end", onEnd);
    request.once("close", onEnd);
    request.on("error", () => {});
    request.resume();
  });
}

function toHeaders(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith(":") || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/** Whether `promise` settles within this event-loop turn, that is without waiting for any I/O. */
function settlesThisTurn(promise: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = () => {
      settled = true;
      resolve(true);
    };
    promise.then(done, done);
    setImmediate(() => {
      if (!settled) resolve(false);
    });
  });
}

/**
 * Writes a body to the response as it is produced, with backpressure: each chunk is written at once (chunks
 * written in one tick leave in one system call, as Node corks a response until the next tick) and the next
 * is read unless the socket buffer is full, in which case it waits for `drain`. Resolves `false` when the
 * client left: the response closed, or a write failed. Node 24 fails the writes of a socket the peer closed
 * at once (`ECANCELED`), a tick or more before the response reports `close`, so a failed write is the first
 * sign that the client left.
 */
async function writeBody(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  first: Promise<ReadableStreamReadResult<Uint8Array>>,
  outgoing: ServerResponse,
): Promise<boolean> {
  let failed = false;
  let wake: (() => void) | undefined;
  const written = (error?: Error | null) => {
    if (!error) return;
    failed = true;
    wake?.();
  };
  const gone = () => outgoing.destroyed || failed;
  for (let next = first; ; next = reader.read()) {
    const { done, value } = await next;
    if (done) return true;
    if (gone()) return false;
    if (!outgoing.write(value, written)) {
      await new Promise<void>((resolve) => {
        const stop = () => {
          outgoing.off("drain", stop);
          outgoing.off("close", stop);
          wake = undefined;
          resolve();
        };
        outgoing.on("drain", stop);
        outgoing.on("close", stop);
        wake = stop;
      });
    }
    if (gone()) return false;
  }
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
  const hasBody = method !== "GET" && method !== "HEAD";
  const body = hasBody ? bodyStream(incoming) : undefined;
  const host = incoming.headers.host ?? "127.0.0.1";
  let request: Request;
  try {
    request = new Request(`http://${host}${incoming.url ?? "/"}`, {
      method,
      headers: toHeaders(incoming),
      body: body?.stream ?? null,
      signal: controller.signal,
      ...(hasBody ? { duplex: "half" } : {}),
    } as RequestInit);
  } catch {
    // A request the Fetch API cannot represent (TRACE, CONNECT, a forbidden header value): a 4xx, not a reset.
    body?.stop();
    const forbidden = /^(CONNECT|TRACE|TRACK)$/i.test(method);
    const message = forbidden
      ? `Method ${method} is not allowed.`
      : "The request cannot be represented as a Fetch API Request.";
    const status = forbidden ? 405 : 400;
    const payload = JSON.stringify({
      error: { message, type: "invalid_request_error", param: null, code: null },
    });
    const close = !incoming.complete && !(await discardRest(incoming));
    outgoing.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(payload),
      ...(close ? { connection: "close" } : {}),
    });
    outgoing.end(payload);
    return;
  }

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
  // An answer given before the body was read whole waits for the rest of it (within limits).
  body?.stop();
  if (!incoming.complete && !(await discardRest(incoming))) headers.connection = "close";
  if (outgoing.destroyed) {
    await response.body?.cancel().catch(() => {});
    return;
  }
  outgoing.writeHead(response.status, headers);
  if (!response.body) {
    outgoing.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    const first = reader.read();
    // The headers leave with the first chunk when the body has one at once; otherwise they go now, so the
    // client sees the response begin while the body waits.
    if (!(await settlesThisTurn(first))) outgoing.flushHeaders();
    if (!(await writeBody(reader, first, outgoing))) {
      // The client left: stop producing, and let the request's signal tell the handler.
      clientLeft();
      outgoing.destroy();
      await reader.cancel().catch(() => {});
      return;
    }
  } catch {
    // The body errored (a scripted break, or the client went away): what was written still reaches the
    // client, then the connection is cut without ending the body.
    await flushed(outgoing);
    outgoing.destroy();
    return;
  }
  outgoing.end();
}

/** Resolves once what was written to `outgoing` left for the socket, or at once when it cannot (closed, or a full buffer). */
function flushed(outgoing: ServerResponse): Promise<void> {
  if (outgoing.destroyed || outgoing.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      outgoing.off("close", done);
      resolve();
    };
    outgoing.on("close", done);
    // A write's callback runs once every write before it was handed to the socket.
    outgoing.write(new Uint8Array(0), done);
  });
}

/**
 * Serve a Web-standard handler over `node:http`, writing each body chunk as soon as it is produced (with
 * backpressure; the headers go with the first chunk when it is ready at once, else right away).
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
