// Fault injection: the bridge (node:http adapter and the fetch handler, on real sockets) in front of an
// upstream that fails in every way we know. For each fault: the client gets an error it can act on
// (HTTP status and OpenAI error type/code before streaming, one `response.failed` after), the upstream
// request is closed, no secret leaks, and the next request through the same server succeeds.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createResponsesHandler,
  type OpenAICompatibleUpstreamOptions,
  openAICompatibleUpstream,
  type ResponsesBridgeError,
  type ResponsesHandlerOptions,
} from "@responses-bridge/core";
import { toFetchHandler } from "@responses-bridge/fetch";
import { nodeFetch, toNodeHandler } from "@responses-bridge/node";
import { createScriptedBackend, parseSSE, type Scenario, serveFetchHandler } from "@responses-bridge/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { listen } from "./utils/harness.js";

const KEY = "sk-fault-secret-0123456789abcdef";

// ---------------------------------------------------------------------------------------------
// A loopback upstream we fully control, counting what happens to each request
// ---------------------------------------------------------------------------------------------

interface FakeUpstream {
  url: string;
  /** Requests received. */
  started: number;
  /** Requests whose response was closed before it finished (the bridge hung up). */
  closedEarly: number;
  /** Requests whose response finished. */
  finished: number;
  /** Resolves once `count` requests were closed early. */
  waitClosedEarly(count: number): Promise<void>;
  close(): Promise<void>;
}

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

async function fakeUpstream(behaviour: Behaviour): Promise<FakeUpstream> {
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const state = { started: 0, closedEarly: 0, finished: 0 };
  const server: Server = createServer((req, res) => {
    state.started++;
    res.once("close", () => {
      if (res.writableFinished) state.finished++;
      else state.closedEarly++;
      for (const waiter of [...waiters]) {
        if (state.closedEarly >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
    // Read the whole body before answering, as a real server does.
    req.resume();
    req.once("end", () => behaviour(req, res));
  });
  const mounted = await listen(server);
  return {
    url: mounted.url,
    get started() {
      return state.started;
    },
    get closedEarly() {
      return state.closedEarly;
    },
    get finished() {
      return state.finished;
    },
    waitClosedEarly: (count) =>
      state.closedEarly >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
    close: mounted.close,
  };
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

function sseHead(res: ServerResponse) {
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.flushHeaders();
}

/** Good chunks every `ms` until the connection closes. */
function streamForever(res: ServerResponse, ms: number, first: string[] = []) {
  sseHead(res);
  for (const frame of first) res.write(frame);
  const timer = setInterval(() => res.write(chunk({ content: "and again " })), ms);
  res.once("close", () => clearInterval(timer));
}

// ---------------------------------------------------------------------------------------------
// The bridge on a real socket
// ---------------------------------------------------------------------------------------------

/** The adapter, and for `node+nodeFetch` the upstream client (`nodeFetch` instead of the global fetch). */
type Mount = "node" | "fetch" | "node+nodeFetch";

interface Bridge {
  url: string;
  errors: ResponsesBridgeError[];
  close(): Promise<void>;
}

async function startBridge(
  mount: Mount,
  upstreamURL: string,
  options: Partial<ResponsesHandlerOptions> = {},
  upstreamOptions: Record<string, unknown> = {},
  adapterOptions: { maxBodyBytes?: number } = {},
): Promise<Bridge> {
  const errors: ResponsesBridgeError[] = [];
  const handler = createResponsesHandler({
    upstream: openAICompatibleUpstream({
      baseURL: upstreamURL,
      apiKey: KEY,
      ...(mount === "node+nodeFetch" ? { fetch: nodeFetch() } : {}),
      ...upstreamOptions,
    } as OpenAICompatibleUpstreamOptions),
    keepAliveMs: 0,
    onError: (error) => errors.push(error),
    ...options,
  });
  if (mount === "fetch") {
    const server = await serveFetchHandler(toFetchHandler(handler));
    return { url: server.url, errors, close: server.close };
  }
  const server = createServer(toNodeHandler(handler, adapterOptions));
  const mounted = await listen(server);
  return {
    url: mounted.url,
    errors,
    close: mounted.close,
  };
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed SSE events for streams. */
  events: Array<{
    type: string;
    response?: { status: string; error?: { code: string; message: string } | null };
  }>;
}

async function ask(bridge: Bridge, body: Record<string, unknown>, deadlineMs = 15_000): Promise<Answer> {
  const response = await fetch(`${bridge.url}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", input: "hi", ...body }),
    signal: AbortSignal.timeout(deadlineMs),
  });
  const text = await response.text();
  const events = (response.headers.get("content-type") ?? "").includes("text/event-stream")
    ? parseSSE(text).map((message) => JSON.parse(message.data))
    : [];
  return { status: response.status, headers: response.headers, text, events };
}

/** All text an error carries, its causes included: what a logger could print. */
function errorText(error: unknown, depth = 0): string {
  if (depth > 5 || error === null || error === undefined) return "";
  if (typeof error !== "object") return String(error);
  const { message, cause } = error as { message?: unknown; cause?: unknown };
  return `${String(message)} ${JSON.stringify(error)} ${errorText(cause, depth + 1)}`;
}

function expectNoSecret(bridge: Bridge, answer: Answer) {
  expect(answer.text).not.toContain(KEY);
  for (const error of bridge.errors) expect(errorText(error)).not.toContain(KEY);
}

/** The next request through the same bridge (to a healthy upstream) succeeds. */
async function expectStillServing(mount: Mount, bridgeOf: (url: string) => Promise<Bridge>) {
  const healthy = createScriptedBackend();
  const server = await healthy.listen();
  const bridge = await bridgeOf(server.url);
  try {
    const answer = await ask(bridge, { stream: true });
    expect(answer.status, mount).toBe(200);
    expect(answer.events.at(-1)?.type).toBe("response.completed");
  } finally {
    await bridge.close();
    await server.close();
  }
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

describe.each<Mount>(["node", "fetch", "node+nodeFetch"])("faults through the %s mount", (mount) => {
  async function withScripted(scenarios: Scenario[], options: Partial<ResponsesHandlerOptions> = {}) {
    const backend = createScriptedBackend();
    backend.enqueue(...scenarios);
    const upstream = await backend.listen();
    const bridge = await startBridge(mount, upstream.url, options);
    cleanup.push(upstream.close, bridge.close);
    return { backend, bridge };
  }

  it("connection refused: 502 upstream_connection_error, then the next request is fine", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const bridge = await startBridge(mount, `http://127.0.0.1:${port}/v1`);
    cleanup.push(bridge.close);
    for (const stream of [false, true]) {
      const answer = await ask(bridge, { stream });
      expect(answer.status).toBe(502);
      expect(JSON.parse(answer.text).error).toMatchObject({
        type: "server_error",
        code: "upstream_connection_error",
        message: "Could not reach the upstream (ECONNREFUSED).",
      });
      // The client is not told where the upstream is; onError (the log) is.
      expect(answer.text).not.toContain("127.0.0.1");
      expect(answer.text).not.toContain(String(port));
      expect(errorText(bridge.errors.at(-1))).toContain(`127.0.0.1:${port}`);
      expectNoSecret(bridge, answer);
    }
    await expectStillServing(mount, (url) => startBridge(mount, url));
  });

  it("connection refused with exposeOrigin: the client's 502 names the upstream", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const bridge = await startBridge(mount, `http://127.0.0.1:${port}/v1`, {}, { exposeOrigin: true });
    cleanup.push(bridge.close);
    const answer = await ask(bridge, {});
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.text).error.message).toContain(`http://127.0.0.1:${port}`);
  });

  describe("upstream redirects", () => {
    /** An upstream whose /v1/chat/completions answers `status` with a location on `target`, and a target counting hits. */
    async function redirecting(status: number, sameOrigin: boolean) {
      const target = createScriptedBackend();
      target.enqueue({ text: "from elsewhere" }, { text: "from elsewhere" });
      const elsewhere = await target.listen();
      let hits = 0;
      const upstream = await fakeUpstream((req, res) => {
        if (req.url === "/v1/moved/chat/completions") {
          hits++;
          res.writeHead(200, { "content-type": "application/json" });
          res.end(
            JSON.stringify({
              id: "c",
              object: "chat.completion",
              created: 1,
              model: "m",
              choices: [
                { index: 0, message: { role: "assistant", content: "same origin" }, finish_reason: "stop" },
              ],
            }),
          );
          return;
        }
        const location = sameOrigin ? "/v1/moved/chat/completions" : `${elsewhere.url}/chat/completions`;
        res.writeHead(status, { location });
        res.end();
      });
      cleanup.push(elsewhere.close, upstream.close);
      return { upstream, target, hits: () => hits, elsewhere: elsewhere.url };
    }

    it.each([307, 302])(
      "%i to another origin: a 502 upstream_redirect, the other origin never called",
      async (status) => {
        const { upstream, target, elsewhere } = await redirecting(status, false);
        for (const options of [{}, { redirect: "same-origin" }]) {
          const bridge = await startBridge(mount, upstream.url, {}, options);
          cleanup.push(bridge.close);
          for (const stream of [false, true]) {
            const answer = await ask(bridge, { stream });
            expect(answer.status).toBe(502);
            const error = JSON.parse(answer.text).error;
            expect(error).toMatchObject({ type: "server_error", code: "upstream_redirect" });
            expect(error.message).toMatch(new RegExp(`redirect \\(HTTP ${status}\\)`));
            expect(answer.text).not.toContain(new URL(elsewhere).host);
          }
        }
        expect(target.requests).toHaveLength(0);
      },
    );

    it.each([307, 302])(
      "%i on the same origin: refused by default, followed with redirect: same-origin",
      async (status) => {
        const { upstream, hits } = await redirecting(status, true);
        const strict = await startBridge(mount, upstream.url);
        cleanup.push(strict.close);
        const refused = await ask(strict, {});
        expect(refused.status).toBe(502);
        expect(JSON.parse(refused.text).error.code).toBe("upstream_redirect");
        expect(hits()).toBe(0);
        const following = await startBridge(mount, upstream.url, {}, { redirect: "same-origin" });
        cleanup.push(following.close);
        const answer = await ask(following, {});
        expect(answer.status).toBe(200);
        expect(answer.text).toContain("same origin");
        // The POST was repeated as a POST, whatever the status (a GET would not reach the route).
        expect(hits()).toBe(1);
      },
    );
  });

  it("429 keeps retry-after and says rate_limit_error", async () => {
    const { bridge, backend } = await withScripted([
      { error: { status: 429, headers: { "retry-after": "7" } } },
      { error: { status: 429, headers: { "retry-after": "7" } } },
      { text: "fine" },
    ]);
    for (const stream of [false, true]) {
      const answer = await ask(bridge, { stream });
      expect(answer.status).toBe(429);
      expect(answer.headers.get("retry-after")).toBe("7");
      expect(JSON.parse(answer.text).error).toMatchObject({ type: "rate_limit_error" });
    }
    expect((await ask(bridge, {})).status).toBe(200);
    expect(backend.requests.every((request) => request.completed || request.aborted)).toBe(true);
  });

  it.each([500, 503])("upstream %i: the same status, server_error, no secret", async (status) => {
    const { bridge } = await withScripted([
      { error: { status, body: { error: { message: `boom with key ${KEY}`, type: "server_error" } } } },
      { error: { status } },
      { text: "fine" },
    ]);
    for (const stream of [false, true]) {
      const answer = await ask(bridge, { stream });
      expect(answer.status).toBe(status);
      expect(JSON.parse(answer.text).error.type).toBe("server_error");
      expectNoSecret(bridge, answer);
    }
    expect((await ask(bridge, { stream: true })).events.at(-1)?.type).toBe("response.completed");
  });

  it("malformed JSON mid-stream: response.failed, and the upstream connection is closed", async () => {
    const upstream = await fakeUpstream((_req, res) =>
      streamForever(res, 5, [
        chunk({ role: "assistant", content: "" }),
        chunk({ content: "Hello" }),
        "data: {not json\n\n",
      ]),
    );
    const bridge = await startBridge(mount, upstream.url);
    cleanup.push(upstream.close, bridge.close);
    const answer = await ask(bridge, { stream: true });
    expect(answer.status).toBe(200);
    const last = answer.events.at(-1)!;
    expect(last.type).toBe("response.failed");
    expect(last.response?.error).toMatchObject({ code: "upstream_connection_error" });
    expect(last.response?.error?.message).toMatch(/malformed/i);
    await upstream.waitClosedEarly(1);
    expectNoSecret(bridge, answer);
    await expectStillServing(mount, (url) => startBridge(mount, url));
  });

  it("malformed JSON chunk from the scripted upstream (rawChunks): response.failed", async () => {
    const { bridge } = await withScripted([
      {
        rawChunks: [
          {
            id: "c",
            object: "chat.completion.chunk",
            created: 1,
            model: "m",
            choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: null }],
          },
          "{oops",
        ],
      },
      { text: "fine" },
    ]);
    const answer = await ask(bridge, { stream: true });
    expect(answer.events.at(-1)?.type).toBe("response.failed");
    expect((await ask(bridge, { stream: true })).events.at(-1)?.type).toBe("response.completed");
  });

  it("in-band error payload mid-stream echoing the key: response.failed, key redacted", async () => {
    const upstream = await fakeUpstream((_req, res) => {
      sseHead(res);
      res.write(chunk({ content: "partial" }));
      res.end(
        `data: ${JSON.stringify({ error: { message: `Invalid key ${KEY} (Bearer ${KEY})`, code: "invalid_api_key" } })}\n\n`,
      );
    });
    const bridge = await startBridge(mount, upstream.url);
    cleanup.push(upstream.close, bridge.close);
    const answer = await ask(bridge, { stream: true });
    expect(answer.events.at(-1)?.type).toBe("response.failed");
    expectNoSecret(bridge, answer);
    expect(bridge.errors.length).toBeGreaterThan(0);
  });

  it("stream cut without [DONE] (scripted breakAfterChunks): response.failed, next request fine", async () => {
    const { bridge, backend } = await withScripted([
      { text: "a long reply cut short", chunkSize: 2, breakAfterChunks: 3 },
      { text: "fine" },
    ]);
    const answer = await ask(bridge, { stream: true });
    const last = answer.events.at(-1)!;
    expect(last.type).toBe("response.failed");
    expect(last.response?.error?.code).toBe("upstream_connection_error");
    expect(backend.requests[0]!.completed).toBe(false);
    expect((await ask(bridge, { stream: true })).events.at(-1)?.type).toBe("response.completed");
  });

  it("stream ended cleanly but early (no finish_reason, no [DONE]): response.failed", async () => {
    const upstream = await fakeUpstream((_req, res) => {
      sseHead(res);
      res.write(chunk({ role: "assistant", content: "" }));
      res.end(chunk({ content: "half" }));
    });
    const bridge = await startBridge(mount, upstream.url);
    cleanup.push(upstream.close, bridge.close);
    const answer = await ask(bridge, { stream: true });
    expect(answer.events.at(-1)?.type).toBe("response.failed");
    expect(answer.events.at(-1)?.response?.error?.message).toMatch(/ended before/i);
  });

  it("upstream socket destroyed mid-stream: response.failed", async () => {
    const upstream = await fakeUpstream((req, res) => {
      sseHead(res);
      res.write(chunk({ content: "partial" }), () => setTimeout(() => req.socket.destroy(), 20));
    });
    const bridge = await startBridge(mount, upstream.url);
    cleanup.push(upstream.close, bridge.close);
    const answer = await ask(bridge, { stream: true });
    expect(answer.events.at(-1)?.type).toBe("response.failed");
    await expectStillServing(mount, (url) => startBridge(mount, url));
  });

  // The handler exposes its `maxBodyBytes`, and the Node adapters (Express and Fastify too) enforce it
  // without being told the limit again.
  it("body over the handler's maxBodyBytes: 413 before any upstream call", async () => {
    const { bridge, backend } = await withScripted([{ text: "fine" }], { maxBodyBytes: 64 * 1024 });
    const answer = await ask(bridge, { input: "x".repeat(100 * 1024) });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text).error).toMatchObject({
      type: "invalid_request_error",
      code: "request_too_large",
    });
    expect(backend.requests).toHaveLength(0);
    expect((await ask(bridge, {})).status).toBe(200);
  });

  it("body over the limit given to the adapter (and to the handler): 413, next request fine", async () => {
    const backend = createScriptedBackend();
    const upstream = await backend.listen();
    const bridge = await startBridge(
      mount,
      upstream.url,
      { maxBodyBytes: 64 * 1024 },
      {},
      { maxBodyBytes: 64 * 1024 },
    );
    cleanup.push(upstream.close, bridge.close);
    const answer = await ask(bridge, { input: "x".repeat(100 * 1024) });
    expect(answer.status).toBe(413);
    expect(backend.requests).toHaveLength(0);
    expect((await ask(bridge, {})).status).toBe(200);
  });

  it("the default body limit is on: a 21 MiB body is a 413", async () => {
    const backend = createScriptedBackend();
    const upstream = await backend.listen();
    const bridge = await startBridge(mount, upstream.url);
    cleanup.push(upstream.close, bridge.close);
    const answer = await ask(bridge, { input: "x".repeat(21 * 1024 * 1024) }, 30_000);
    expect(answer.status).toBe(413);
    expect(backend.requests).toHaveLength(0);
  });

  it("a slow first byte within the keep-alive grace still streams normally", async () => {
    const { bridge } = await withScripted([{ text: "late but fine", firstByteDelayMs: 300, delayMs: 5 }], {
      keepAliveMs: 100,
    });
    const answer = await ask(bridge, { stream: true });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain(": keep-alive");
    expect(answer.events.at(-1)?.type).toBe("response.completed");
  });

  // ---------------------------------------------------------------------------------------------
  // Faults guarded by `openAICompatibleUpstream` options (named after undici's `headersTimeout`/`bodyTimeout`):
  //   headersTimeoutMs - time from sending the request to the upstream's response headers;
  //   bodyTimeoutMs    - longest silence between two body reads while streaming;
  //   maxResponseBytes - largest upstream body (stream or JSON) before the call is cut.
  // Without them these requests would hang until the client gives up (the 2.5 s deadline below). The
  // options live in the upstream, so they run once per upstream client (global fetch, nodeFetch).
  // ---------------------------------------------------------------------------------------------

  // packages/core/src/upstream/openai-compatible-upstream.ts has no
  // upstream timeout. Input: an upstream that accepts the connection and never answers.
  // Expected: 504 `upstream_timeout` after headersTimeoutMs, the upstream socket closed.
  it.runIf(mount !== "fetch")("hang before the first byte: 504 after headersTimeoutMs", async () => {
    const upstream = await fakeUpstream(() => {});
    const bridge = await startBridge(mount, upstream.url, {}, { headersTimeoutMs: 200 });
    cleanup.push(upstream.close, bridge.close);
    const answer = await ask(bridge, { stream: true }, 2_500);
    expect(answer.status).toBe(504);
    expect(JSON.parse(answer.text).error).toMatchObject({ type: "server_error", code: "upstream_timeout" });
    await upstream.waitClosedEarly(1);
  });

  // no idle timeout while streaming. Input: an upstream that sends two
  // chunks and then nothing, keeping the connection open.
  // Expected: `response.failed` with code `upstream_timeout` after bodyTimeoutMs, upstream closed.
  it.runIf(mount !== "fetch")("stall mid-stream: response.failed after bodyTimeoutMs", async () => {
    const upstream = await fakeUpstream((_req, res) => {
      sseHead(res);
      res.write(chunk({ role: "assistant", content: "" }));
      res.write(chunk({ content: "then silence" }));
    });
    const bridge = await startBridge(mount, upstream.url, {}, { bodyTimeoutMs: 200 });
    cleanup.push(upstream.close, bridge.close);
    const answer = await ask(bridge, { stream: true }, 2_500);
    expect(answer.events.at(-1)?.type).toBe("response.failed");
    expect(answer.events.at(-1)?.response?.error?.code).toBe("upstream_timeout");
    await upstream.waitClosedEarly(1);
  });

  // no max-output guard. Input: an upstream that streams content chunks
  // forever (every 2 ms). Expected: once maxResponseBytes is passed, the upstream call is cut and the
  // stream ends with `response.failed` (code `upstream_response_too_large`).
  it.runIf(mount !== "fetch")("an upstream that streams forever is cut by maxResponseBytes", async () => {
    const upstream = await fakeUpstream((_req, res) =>
      streamForever(res, 2, [chunk({ role: "assistant", content: "" })]),
    );
    const bridge = await startBridge(mount, upstream.url, {}, { maxResponseBytes: 16 * 1024 });
    cleanup.push(upstream.close, bridge.close);
    const answer = await ask(bridge, { stream: true }, 2_500);
    expect(answer.events.at(-1)?.type).toBe("response.failed");
    expect(answer.events.at(-1)?.response?.error?.code).toBe("upstream_response_too_large");
    await upstream.waitClosedEarly(1);
  });

  // the same guard for a non-streaming call whose JSON body never ends.
  it.runIf(mount !== "fetch")("a JSON body that never ends is cut by maxResponseBytes", async () => {
    const upstream = await fakeUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(
        '{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"',
      );
      const timer = setInterval(() => res.write("x".repeat(1024)), 2);
      res.once("close", () => clearInterval(timer));
    });
    const bridge = await startBridge(mount, upstream.url, {}, { maxResponseBytes: 16 * 1024 });
    cleanup.push(upstream.close, bridge.close);
    const answer = await ask(bridge, {}, 2_500);
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.text).error.code).toBe("upstream_response_too_large");
    await upstream.waitClosedEarly(1);
  });
});
