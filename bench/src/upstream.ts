// A minimal, fast Chat Completions upstream on node:http. Every reply is a precomputed buffer, so
// what the benchmark measures is the network stack and the bridge, not this fake.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { textCompletion, textStreamChunks, toFrames, toolCompletion, toolStreamChunks } from "./fixtures.js";

/**
 * How streamed replies are written: `burst` writes the whole precomputed SSE body at once (the
 * cheapest possible upstream), `paced` writes one frame per event-loop turn (tokens trickling in).
 */
export type StreamPacing = "burst" | "paced";

export interface UpstreamCounters {
  /** Chat requests received. */
  started: number;
  /** Replies written to the end. */
  completed: number;
  /** Replies whose connection closed before the end (the bridge aborted the call). */
  aborted: number;
  /** TCP connections accepted and closed so far. */
  socketsOpened: number;
  socketsClosed: number;
}

export interface Upstream {
  /** Base URL including `/v1`. */
  url: string;
  port: number;
  counters: UpstreamCounters;
  close(): Promise<void>;
}

interface Reply {
  frames: Buffer[];
  whole: Buffer;
}

function streamReply(chunks: object[]): Reply {
  const frames = toFrames(chunks).map((frame) => Buffer.from(frame));
  return { frames, whole: Buffer.concat(frames) };
}

const STREAM_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };

/** Starts the upstream on 127.0.0.1 (a free port unless one is given). */
export async function startUpstream(
  options: { pacing?: StreamPacing; port?: number } = {},
): Promise<Upstream> {
  const pacing = options.pacing ?? "burst";
  const textJson = Buffer.from(JSON.stringify(textCompletion()));
  const toolJson = Buffer.from(JSON.stringify(toolCompletion()));
  const textStream = streamReply(textStreamChunks());
  const toolStream = streamReply(toolStreamChunks());
  const counters: UpstreamCounters = {
    started: 0,
    completed: 0,
    aborted: 0,
    socketsOpened: 0,
    socketsClosed: 0,
  };

  function writeJson(res: ServerResponse, body: Buffer) {
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    res.end(body);
  }

  function writeStream(res: ServerResponse, reply: Reply) {
    res.writeHead(200, STREAM_HEADERS);
    if (pacing === "burst") {
      res.end(reply.whole);
      return;
    }
    let index = 0;
    const next = () => {
      if (res.destroyed) return;
      const frame = reply.frames[index++];
      if (frame === undefined) {
        res.end();
        return;
      }
      res.write(frame);
      setImmediate(next);
    };
    next();
  }

  function onRequest(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== "POST") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"object":"list","data":[{"id":"bench","object":"model","created":0,"owned_by":"bench"}]}');
      return;
    }
    counters.started++;
    res.once("close", () => {
      if (res.writableFinished) counters.completed++;
      else counters.aborted++;
    });
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      const body = parts.length === 1 ? parts[0]!.toString() : Buffer.concat(parts).toString();
      const tools = body.includes('"model":"bench-tools"');
      if (body.includes('"stream":true')) writeStream(res, tools ? toolStream : textStream);
      else writeJson(res, tools ? toolJson : textJson);
    });
  }

  const server: Server = createServer({ noDelay: true, keepAliveTimeout: 60_000 }, onRequest);
  server.on("connection", (socket) => {
    counters.socketsOpened++;
    socket.once("close", () => counters.socketsClosed++);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    counters,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
