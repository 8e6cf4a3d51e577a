// 1,000 clients per mount that disconnect at random points (mid-body, before the answer, after its
// headers, after some SSE bytes), 50 at a time, on loopback. The upstream streams forever and never
// answers non-streaming calls, so an upstream request only ends when the bridge aborts it: every one
// that started must be closed. The heap must not grow beyond a generous bound after GC, and nothing
// may be left unhandled.

import { createServer, request as httpRequest, type Server } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import { toFetchHandler } from "@responses-bridge/fetch";
import { nodeFetch, toNodeHandler } from "@responses-bridge/node";
import { serveFetchHandler } from "@responses-bridge/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen } from "./utils/harness.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const problems: unknown[] = [];
const onProblem = (reason: unknown) => problems.push(reason);
beforeAll(() => {
  process.on("unhandledRejection", onProblem);
  process.on("uncaughtException", onProblem);
});
afterAll(() => {
  process.off("unhandledRejection", onProblem);
  process.off("uncaughtException", onProblem);
});

/** Deterministic PRNG (mulberry32), so a failing run can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Upstream {
  url: string;
  started: number;
  closed: number;
  /** Resolves once every started request was closed (or rejects after `timeoutMs`). */
  settled(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Streams a chunk every 10 ms for as long as the connection lasts; never answers non-streaming calls. */
async function endlessUpstream(): Promise<Upstream> {
  const state = { started: 0, closed: 0 };
  let onChange = () => {};
  const frame = `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: "more " }, finish_reason: null }] })}\n\n`;
  const server: Server = createServer((req, res) => {
    state.started++;
    let timer: ReturnType<typeof setInterval> | undefined;
    res.once("close", () => {
      clearInterval(timer);
      state.closed++;
      onChange();
    });
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.once("end", () => {
      if (!Buffer.concat(parts).toString().includes('"stream":true')) return; // hang
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(frame);
      timer = setInterval(() => res.write(frame), 10);
    });
  });
  const mounted = await listen(server);
  return {
    url: mounted.url,
    get started() {
      return state.started;
    },
    get closed() {
      return state.closed;
    },
    settled: (timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`${state.started - state.closed} of ${state.started} upstream requests still open`),
            ),
          timeoutMs,
        );
        onChange = () => {
          if (state.closed >= state.started) {
            clearTimeout(timer);
            resolve();
          }
        };
        onChange();
      }),
    close: mounted.close,
  };
}

type Point = "mid-body" | "before-answer" | "after-headers" | "after-bytes";
const POINTS: Point[] = ["mid-body", "before-answer", "after-headers", "after-bytes"];

/** One client that leaves at `point`; resolves once its socket is gone. */
function leavingClient(url: string, stream: boolean, point: Point, next: () => number): Promise<void> {
  const body = JSON.stringify({ model: "m", input: `hello ${"x".repeat(2000)}`, stream, store: false });
  return new Promise((resolve) => {
    const req = httpRequest(`${url}/responses`, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    });
    req.once("error", () => {});
    req.once("close", () => resolve());
    if (point === "mid-body") {
      req.write(body.slice(0, Math.floor(next() * body.length)));
      setTimeout(() => req.destroy(), Math.floor(next() * 5));
      return;
    }
    req.end(body);
    if (point === "before-answer") {
      setTimeout(() => req.destroy(), Math.floor(next() * 20));
      return;
    }
    const bytes = Math.floor(next() * 2000);
    req.once("response", (res) => {
      if (point === "after-headers") {
        req.destroy();
        return;
      }
      let seen = 0;
      res.on("data", (part: Buffer) => {
        seen += part.length;
        if (seen >= bytes) req.destroy();
      });
    });
    // A safety net: nobody waits forever, whatever the bridge does.
    setTimeout(() => req.destroy(), 5_000).unref();
  });
}

async function runClients(url: string, count: number, concurrency: number, seed: number): Promise<void> {
  const next = random(seed);
  let launched = 0;
  const worker = async () => {
    while (launched < count) {
      launched++;
      const stream = next() < 0.75;
      // A non-streaming call never gets an answer from this upstream: leave before it.
      const points = stream ? POINTS : POINTS.slice(0, 2);
      const point = points[Math.floor(next() * points.length)]!;
      await leavingClient(url, stream, point, next);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const MB = 1024 * 1024;

// `node+nodeFetch`: the node:http adapter with `nodeFetch` as the upstream client instead of the global fetch.
describe.each(["node", "fetch", "node+nodeFetch"] as const)(
  "1,000 clients disconnecting through the %s mount",
  (mount) => {
    it("every upstream request is aborted, the heap stays flat, nothing is unhandled", {
      timeout: 120_000,
    }, async () => {
      const upstream = await endlessUpstream();
      const handler = createResponsesHandler({
        upstream: openAICompatibleUpstream({
          baseURL: upstream.url,
          apiKey: "sk-disconnect-0123456789",
          ...(mount === "node+nodeFetch" ? { fetch: nodeFetch() } : {}),
        }),
        keepAliveMs: 0,
      });
      let bridgeURL: string;
      let closeBridge: () => Promise<void>;
      if (mount === "fetch") {
        const server = await serveFetchHandler(toFetchHandler(handler));
        bridgeURL = server.url;
        closeBridge = server.close;
      } else {
        const mounted = await listen(createServer(toNodeHandler(handler)));
        bridgeURL = mounted.url;
        closeBridge = mounted.close;
      }
      try {
        // Warm up (JIT, pools), then measure two halves: growth that repeats is a leak.
        await runClients(bridgeURL, 100, 50, 1);
        await upstream.settled(30_000);
        const start = heapAfterGc();
        await runClients(bridgeURL, 500, 50, 2);
        await upstream.settled(30_000);
        const middle = heapAfterGc();
        await runClients(bridgeURL, 500, 50, 3);
        await upstream.settled(30_000);
        const end = heapAfterGc();

        expect(upstream.started).toBeGreaterThan(300);
        expect(upstream.closed).toBe(upstream.started);
        // Generous: a leak of even 10 KB per client would be 5 MB per half.
        expect((end - start) / MB).toBeLessThan(12);
        expect((end - middle) / MB).toBeLessThan(6);
        // Let late rejections surface before checking.
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(problems).toEqual([]);
      } finally {
        await closeBridge();
        await upstream.close();
      }
    });
  },
);
