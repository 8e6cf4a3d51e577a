import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, connect as connectTcp } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zlib from "node:zlib";
import { openAICompatibleUpstream } from "@responses-bridge/core";
import type { StreamTextDecoder } from "@responses-bridge/core/http";
import { Agent, EnvHttpProxyAgent } from "undici";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { nodeFetch } from "./node-fetch.js";
import { chatCompletion, chatFrame } from "./testing/chat-replies.js";

interface Loopback {
  url: string;
  /** TCP connections accepted so far. */
  connections: number;
  /** Responses closed before they finished (the client hung up). */
  closedEarly: number;
  close(): Promise<void>;
}

const servers: Loopback[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function loopback(
  handle: (req: IncomingMessage & { text: string }, res: ServerResponse) => void,
  tls?: { key: string; cert: string },
): Promise<Loopback> {
  const state = { connections: 0, closedEarly: 0 };
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    res.once("close", () => {
      if (!res.writableFinished) state.closedEarly++;
    });
    let text = "";
    req.on("data", (part: Buffer) => {
      text += part;
    });
    req.once("end", () => handle(Object.assign(req, { text }), res));
  };
  const server: Server = tls
    ? (createHttpsServer(tls, listener) as unknown as Server)
    : createServer(listener);
  server.on(tls ? "secureConnection" : "connection", () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const mounted: Loopback = {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}/v1`,
    get connections() {
      return state.connections;
    },
    get closedEarly() {
      return state.closedEarly;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(mounted);
  return mounted;
}

const completion = chatCompletion("hi");
const frame = (content: string, finish: string | null = null) => chatFrame({ content }, finish);

const signal = () => new AbortController().signal;

/** One streamed call through `upstream`, its text deltas joined. */
async function streamedText(upstream: ReturnType<typeof openAICompatibleUpstream>): Promise<string> {
  let text = "";
  for await (const chunk of await upstream.stream(
    { model: "m", messages: [], stream: true },
    { signal: signal() },
  )) {
    text += chunk.choices[0]?.delta?.content ?? "";
  }
  return text;
}

describe("nodeFetch", () => {
  it("reuses keep-alive connections for sequential JSON calls", async () => {
    const server = await loopback((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ...completion, model: req.headers.authorization }));
    });
    const upstream = openAICompatibleUpstream({ baseURL: server.url, apiKey: "sk-x", fetch: nodeFetch() });
    for (let index = 0; index < 20; index++) {
      const reply = await upstream.create({ model: "m", messages: [] }, { signal: signal() });
      expect(reply.model).toBe("Bearer sk-x");
    }
    // Pooled, never one per call: undici checks an idle socket for one event-loop turn before reusing it
    // (a call sent sooner takes a second connection), then the two take turns.
    expect(server.connections).toBeLessThanOrEqual(2);
  });

  it.each([
    ["nodeFetch()", () => nodeFetch()],
    ["the global fetch (the default)", () => undefined],
  ])("a chat request of megabytes, handed over as bytes, arrives intact through %s", async (_, client) => {
    const received: { length: number; body: Buffer }[] = [];
    const server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on("data", (part: Buffer) => parts.push(part));
      req.once("end", () => {
        received.push({ length: Number(req.headers["content-length"]), body: Buffer.concat(parts) });
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(completion));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const upstream = openAICompatibleUpstream({ baseURL: `http://127.0.0.1:${port}/v1`, fetch: client() });
      const messages = new Array(4_000).fill(0).map((_, index) => ({
        role: "user" as const,
        content: `${index} héllo 😀 字 ${"x".repeat(500)}`,
      }));
      const reply = await upstream.create({ model: "m", messages }, { signal: signal() });
      expect(reply.choices[0]?.message.content).toBe("hi");
      const [request] = received;
      expect(request!.body.length).toBeGreaterThan(2 * 1024 * 1024);
      expect(request!.length).toBe(request!.body.length);
      expect(JSON.parse(request!.body.toString("utf8"))).toEqual({ model: "m", messages });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("streams every chunk, and a stream read to [DONE] leaves its connection reusable", async () => {
    const server = await loopback((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (let index = 0; index < 40; index++) res.write(frame(`${index} `));
      res.end(`${frame("", "stop")}data: [DONE]\n\n`);
    });
    const upstream = openAICompatibleUpstream({ baseURL: server.url, fetch: nodeFetch() });
    for (let round = 0; round < 3; round++) {
      expect(await streamedText(upstream)).toBe(
        Array.from({ length: 40 }, (_, index) => `${index} `).join(""),
      );
    }
    expect(server.connections).toBeLessThanOrEqual(2);
    expect(server.closedEarly).toBe(0);
  });

  it("decodes text split inside UTF-8 characters across reads, and drops a leading byte-order mark", async () => {
    const words = ["é", "😀 ", "中文", "Grüße", "\u2028"];
    const bytes = Buffer.from(
      `\ufeff${words.map((word) => frame(word)).join("")}${frame("", "stop")}data: [DONE]\n\n`,
    );
    const server = await loopback((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      // One byte per write, one write per event-loop turn: characters arrive in pieces.
      let at = 0;
      const next = () => {
        if (at === bytes.length) return void res.end();
        res.write(bytes.subarray(at, ++at));
        setImmediate(next);
      };
      next();
    });
    const upstream = openAICompatibleUpstream({ baseURL: server.url, fetch: nodeFetch() });
    expect(await streamedText(upstream)).toBe(words.join(""));
  });

  it("its body's textDecoder() decodes as a streaming TextDecoder does, invalid bytes included", async () => {
    const server = await loopback((_req, res) => res.end("ok"));
    const response = await nodeFetch()(`${server.url}/x`, {
      method: "POST",
      headers: {},
      body: "",
      signal: signal(),
      redirect: "manual",
    });
    const body = response.body as unknown as { textDecoder(): StreamTextDecoder };
    await response.text();
    const samples = [
      Buffer.from("\ufeffa\ufeffé😀中"),
      Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0xc3]),
      Buffer.from([0x61, 0xff, 0x62, 0xe2, 0x82, 0x63, 0xf0, 0x9f, 0x98, 0xed, 0xa0, 0x80, 0xc0, 0xaf]),
      Buffer.from([0xf0, 0x9f, 0x98, 0x80, 0xf0, 0x9f]),
    ];
    for (const sample of samples) {
      for (let first = 0; first <= sample.length; first++) {
        for (let second = first; second <= sample.length; second++) {
          const parts = [sample.subarray(0, first), sample.subarray(first, second), sample.subarray(second)];
          const expected = new TextDecoder();
          const decoder = body.textDecoder();
          let want = "";
          let got = "";
          for (const part of parts) {
            want += expected.decode(part, { stream: true });
            got += decoder.decode(part, { stream: true });
          }
          expect(got + decoder.decode()).toBe(want + expected.decode());
        }
      }
    }
  });

  it("a body larger than its read-ahead arrives intact when read slowly", async () => {
    const pieces = Array.from({ length: 200 }, (_, index) => `${index}:${"x".repeat(500)}|`);
    const server = await loopback((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      for (const piece of pieces) res.write(piece);
      res.end();
    });
    const fetch = nodeFetch();
    const response = await fetch(`${server.url}/chat/completions`, {
      method: "POST",
      headers: {},
      body: "{}",
      signal: signal(),
      redirect: "manual",
    });
    let text = "";
    const decoder = new TextDecoder();
    for await (const bytes of response.body as AsyncIterable<Uint8Array>) {
      text += decoder.decode(bytes, { stream: true });
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(text).toBe(pieces.join(""));
  });

  it("aborting the signal mid-stream closes the upstream connection and ends the read", async () => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const server = await loopback((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      timer = setInterval(() => res.write(frame("more ")), 5);
      res.once("close", () => clearInterval(timer));
    });
    const upstream = openAICompatibleUpstream({ baseURL: server.url, fetch: nodeFetch() });
    const controller = new AbortController();
    const chunks = await upstream.stream(
      { model: "m", messages: [], stream: true },
      { signal: controller.signal },
    );
    let seen = 0;
    const reading = (async () => {
      for await (const _chunk of chunks) {
        if (++seen === 3) controller.abort(new DOMException("gone", "AbortError"));
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: "AbortError" });
    await expect.poll(() => server.closedEarly).toBe(1);
  });

  it("breaking out of a stream early closes the upstream connection", async () => {
    const server = await loopback((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const timer = setInterval(() => res.write(frame("more ")), 5);
      res.once("close", () => clearInterval(timer));
    });
    const upstream = openAICompatibleUpstream({ baseURL: server.url, fetch: nodeFetch() });
    for await (const _chunk of await upstream.stream(
      { model: "m", messages: [], stream: true },
      { signal: signal() },
    )) {
      break;
    }
    await expect.poll(() => server.closedEarly).toBe(1);
  });

  it("a refused connection rejects like fetch: TypeError('fetch failed') with the socket error as cause", async () => {
    const server = await loopback(() => {});
    const url = `${server.url}/chat/completions`;
    await server.close();
    servers.length = 0;
    const failure = await nodeFetch()(url, {
      method: "POST",
      headers: {},
      body: "{}",
      signal: signal(),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).message).toBe("fetch failed");
    expect((failure as { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
  });

  it("an already aborted signal rejects before connecting", async () => {
    const server = await loopback((_req, res) => res.end("{}"));
    const controller = new AbortController();
    controller.abort(new DOMException("stop", "AbortError"));
    await expect(
      nodeFetch()(`${server.url}/chat/completions`, {
        method: "POST",
        headers: {},
        body: "{}",
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(server.connections).toBe(0);
  });

  it("exposes status, statusText, headers (any case, repeated ones joined) and text()", async () => {
    const server = await loopback((_req, res) => {
      res.setHeader("retry-after", "7");
      res.setHeader("x-many", ["a", "b"]);
      res.writeHead(429, "Slow Down", { "content-type": "application/json" });
      res.end('{"error":{"message":"slow"}}');
    });
    const response = await nodeFetch()(`${server.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
      signal: signal(),
      redirect: "manual",
    });
    expect(response.ok).toBe(false);
    expect(response.status).toBe(429);
    expect(response.statusText).toBe("Slow Down");
    expect(response.headers.get("Retry-After")).toBe("7");
    expect(response.headers.get("x-many")).toBe("a, b");
    expect(response.headers.get("x-absent")).toBeNull();
    expect(await response.text()).toBe('{"error":{"message":"slow"}}');
  });

  it("rejects URLs that are not http or https", async () => {
    await expect(
      nodeFetch()("ftp://127.0.0.1/v1/chat/completions", {
        method: "POST",
        headers: {},
        body: "{}",
        signal: signal(),
      }),
    ).rejects.toThrow(/unsupported protocol/);
  });

  describe("redirects, followed as fetch follows them", () => {
    interface Seen {
      server: string;
      method: string;
      path: string;
      body: string;
      authorization: string | null;
      contentType: string | null;
    }

    /** Two loopback origins; `route` answers each request, and every request is recorded. */
    async function origins(route: (origin: "a" | "b", path: string, seen: Seen[]) => [number, string?]) {
      const seen: Seen[] = [];
      const urls: Record<"a" | "b", string> = { a: "", b: "" };
      for (const name of ["a", "b"] as const) {
        const server = await loopback((req, res) => {
          const path = req.url ?? "";
          seen.push({
            server: name,
            method: req.method ?? "",
            path,
            body: req.text,
            authorization: req.headers.authorization ?? null,
            contentType: req.headers["content-type"] ?? null,
          });
          const [status, location] = route(name, path, seen);
          res.writeHead(status, {
            "content-type": "application/json",
            ...(location ? { location: location.replace(/^(a|b):/, (_, to: "a" | "b") => urls[to]) } : {}),
          });
          res.end(JSON.stringify({ ...completion, model: `${name}${path}` }));
        });
        urls[name] = server.url.replace(/\/v1$/, "");
      }
      return { seen, urls };
    }

    /** The same call through nodeFetch and through the global fetch: what each saw and answered. */
    async function both(
      route: Parameters<typeof origins>[0],
      start: "a" | "b" = "a",
      extra: { redirect?: "manual" } = {},
    ) {
      const results = [];
      for (const client of [nodeFetch(), globalThis.fetch as unknown as ReturnType<typeof nodeFetch>]) {
        const { seen, urls } = await origins(route);
        let outcome: string;
        try {
          const response = await client(`${urls[start]}/v1/chat/completions`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: "Bearer sk-secret" },
            body: '{"model":"m"}',
            signal: signal(),
            ...extra,
          });
          outcome = `${response.status} ${(JSON.parse(await response.text()) as { model: string }).model}`;
          if (extra.redirect)
            outcome += ` ${response.headers.get("location")?.replace(urls.a, "a:").replace(urls.b, "b:")}`;
        } catch (error) {
          outcome = `${(error as Error).name}: ${(error as Error).message}`;
        }
        results.push({ outcome, seen: seen.map(({ server, ...rest }) => ({ server, ...rest })) });
      }
      expect(results[0]).toEqual(results[1]);
      return results[0]!;
    }

    it("307 and 308 repeat the POST with its body at the new location", async () => {
      for (const status of [307, 308]) {
        const result = await both((_origin, path) =>
          path === "/v1/chat/completions" ? [status, "/v2/chat"] : [200],
        );
        expect(result.outcome).toBe("200 a/v2/chat");
        expect(result.seen.map((entry) => [entry.method, entry.path, entry.body])).toEqual([
          ["POST", "/v1/chat/completions", '{"model":"m"}'],
          ["POST", "/v2/chat", '{"model":"m"}'],
        ]);
      }
    });

    it("301, 302 and 303 after a POST go on as a GET without the body", async () => {
      for (const status of [301, 302, 303]) {
        const result = await both((_origin, path) =>
          path === "/v1/chat/completions" ? [status, "/moved"] : [200],
        );
        expect(result.seen[1]).toMatchObject({ method: "GET", path: "/moved", body: "", contentType: null });
      }
    });

    it("keeps credentials on the same origin and drops them for another", async () => {
      const result = await both((origin, path) =>
        origin === "a" && path === "/v1/chat/completions"
          ? [307, "a:/v1/next"]
          : origin === "a"
            ? [308, "b:/v1/last"]
            : [200],
      );
      expect(result.outcome).toBe("200 b/v1/last");
      expect(result.seen.map((entry) => [entry.server, entry.authorization])).toEqual([
        ["a", "Bearer sk-secret"],
        ["a", "Bearer sk-secret"],
        ["b", null],
      ]);
    });

    it("fails like fetch after 20 redirects, and the upstream reports it as a connection error", async () => {
      const result = await both(() => [307, "/loop"]);
      expect(result.outcome).toBe("TypeError: fetch failed");
      expect(result.seen).toHaveLength(21);
      const { urls } = await origins(() => [308, "/loop"]);
      const upstream = openAICompatibleUpstream({
        baseURL: `${urls.a}/v1`,
        fetch: nodeFetch(),
        redirect: "same-origin",
      });
      await expect(upstream.create({ model: "m", messages: [] }, { signal: signal() })).rejects.toMatchObject(
        {
          status: 502,
          code: "upstream_redirect",
          message: expect.stringMatching(/more than 5 redirects/),
        },
      );
    });

    it('with redirect: "manual" (what openAICompatibleUpstream sends) a redirect is returned as fetch returns it', async () => {
      for (const status of [301, 302, 303, 307, 308]) {
        const result = await both(() => [status, "b:/v1/elsewhere"], "a", { redirect: "manual" });
        expect(result.outcome).toBe(`${status} a/v1/chat/completions b:/v1/elsewhere`);
        expect(result.seen).toHaveLength(1);
      }
    });

    it("answers a 3xx without a location, or one it does not follow, as it is", async () => {
      expect((await both(() => [302])).outcome).toBe("302 a/v1/chat/completions");
      expect((await both(() => [300, "/elsewhere"])).outcome).toBe("300 a/v1/chat/completions");
    });
  });

  describe("compressed bodies, decoded as fetch decodes them", () => {
    const zstdCompressSync = (zlib as { zstdCompressSync?: (data: Buffer) => Buffer }).zstdCompressSync;
    /** Encoders by coding name; `raw-deflate` is sent as `deflate`, as some servers do. */
    const encoders: Record<string, (data: Buffer) => Buffer> = {
      gzip: zlib.gzipSync,
      "x-gzip": zlib.gzipSync,
      deflate: zlib.deflateSync,
      "raw-deflate": zlib.deflateRawSync,
      br: zlib.brotliCompressSync,
      ...(zstdCompressSync ? { zstd: zstdCompressSync } : {}),
    };
    const sent = (coding: string) => (coding === "raw-deflate" ? "deflate" : coding);

    /** `text()` of one call through `client` to a server that answers `body` with `content-encoding: header`. */
    async function textThrough(client: ReturnType<typeof nodeFetch>, header: string, body: Buffer) {
      const server = await loopback((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": header });
        res.end(body);
      });
      try {
        // As openAICompatibleUpstream sends it (the global fetch decodes the same way either way).
        const response = await client(`${server.url}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
          signal: signal(),
          redirect: "manual",
        });
        return await response.text();
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    }
    const globalFetch = globalThis.fetch as unknown as ReturnType<typeof nodeFetch>;
    const json = Buffer.from(JSON.stringify({ ...completion, model: "é😀".repeat(2000) }));

    it("decodes every coding the global fetch decodes, to the same text", async () => {
      for (const [coding, encode] of Object.entries(encoders)) {
        const body = encode(json);
        const decoded = await textThrough(nodeFetch(), sent(coding), body);
        expect(decoded, coding).toBe(json.toString());
        expect(decoded, coding).toBe(await textThrough(globalFetch, sent(coding), body));
      }
    });

    it("undoes several codings from the last to the first, and none when one is unknown", async () => {
      const twice = zlib.brotliCompressSync(zlib.gzipSync(json));
      expect(await textThrough(nodeFetch(), "gzip, br", twice)).toBe(json.toString());
      expect(await textThrough(globalFetch, "gzip, br", twice)).toBe(json.toString());
      // An unknown coding leaves the body as it came, as fetch leaves it: the caller sees the bytes.
      const unknown = zlib.gzipSync(json);
      const raw = await textThrough(nodeFetch(), "gzip, compress", unknown);
      expect(raw).not.toBe(json.toString());
      expect(raw).toBe(await textThrough(globalFetch, "gzip, compress", unknown));
    });

    it("a corrupt compressed body fails the read, as it fails fetch's", async () => {
      const corrupt = zlib.gzipSync(json);
      corrupt.fill(0x41, 20, 60);
      const mine = await textThrough(nodeFetch(), "gzip", corrupt);
      const theirs = await textThrough(globalFetch, "gzip", corrupt);
      expect(mine).toMatch(/^Error: /);
      expect(theirs).toMatch(/^(Error|TypeError): /);
    });

    it("a compression bomb is cut at the upstream's size limit, counted after decoding", async () => {
      // 64 MiB of spaces in about 64 KB: the limit applies to what the body decodes to.
      const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
      expect(bomb.length).toBeLessThan(1024 * 1024);
      const server = await loopback((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
        res.end(bomb);
      });
      const upstream = openAICompatibleUpstream({
        baseURL: server.url,
        fetch: nodeFetch(),
        maxResponseBytes: 1024 * 1024,
      });
      await expect(upstream.create({ model: "m", messages: [] }, { signal: signal() })).rejects.toMatchObject(
        {
          status: 502,
          code: "upstream_response_too_large",
        },
      );
    });

    it("a gzip stream's events arrive as the server flushes them, on a reusable connection", async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let rounds = 0;
      const server = await loopback((_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream", "content-encoding": "gzip" });
        const gzip = zlib.createGzip();
        gzip.pipe(res);
        gzip.write(frame("first "));
        gzip.flush();
        // The rest only once the client has read the first event: no decoder may wait for more bytes.
        const rest = () => gzip.end(`${frame("second", "stop")}data: [DONE]\n\n`);
        if (rounds++ === 0) void released.then(rest);
        else rest();
      });
      const upstream = openAICompatibleUpstream({ baseURL: server.url, fetch: nodeFetch() });
      const texts: string[] = [];
      for await (const chunk of await upstream.stream(
        { model: "m", messages: [], stream: true },
        { signal: signal() },
      )) {
        texts.push(chunk.choices[0]?.delta?.content ?? "");
        if (texts.length === 1) release();
      }
      expect(texts).toEqual(["first ", "second"]);
      expect(await streamedText(upstream)).toBe("first second");
      expect(server.connections).toBe(1);
      expect(server.closedEarly).toBe(0);
    });

    it("breaking out of a compressed stream early closes the upstream connection", async () => {
      let timer: ReturnType<typeof setInterval> | undefined;
      const server = await loopback((_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream", "content-encoding": "br" });
        const brotli = zlib.createBrotliCompress();
        brotli.pipe(res);
        timer = setInterval(() => {
          brotli.write(frame("more "));
          brotli.flush();
        }, 5);
        res.once("close", () => clearInterval(timer));
      });
      const upstream = openAICompatibleUpstream({ baseURL: server.url, fetch: nodeFetch() });
      let seen = 0;
      for await (const _chunk of await upstream.stream(
        { model: "m", messages: [], stream: true },
        { signal: signal() },
      )) {
        if (++seen === 3) break;
      }
      await vi.waitFor(() => expect(server.closedEarly).toBe(1));
      clearInterval(timer);
    });
  });

  describe("proxies from the environment, when Node is told to use them", () => {
    /** A forwarding HTTP proxy that records the request lines it was asked for. */
    async function forwardProxy() {
      const seen: string[] = [];
      const server = await loopback((req, res) => {
        seen.push(`${req.method} ${req.url}`);
        const target = new URL(req.url ?? "");
        const forwarded = httpRequest(
          {
            hostname: target.hostname,
            port: target.port,
            path: target.pathname,
            method: req.method,
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        forwarded.end(req.text);
      });
      return { url: server.url.replace(/\/v1$/, ""), seen };
    }

    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it("goes through HTTP_PROXY with NODE_USE_ENV_PROXY=1, and not to hosts in NO_PROXY, on every Node version", async () => {
      const upstream = await loopback((_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(`${frame("via ")}${frame("proxy", "stop")}data: [DONE]\n\n`);
      });
      const proxy = await forwardProxy();
      vi.stubEnv("NODE_USE_ENV_PROXY", "1");
      vi.stubEnv("HTTP_PROXY", proxy.url);
      vi.stubEnv("http_proxy", proxy.url);
      vi.stubEnv("NO_PROXY", "");
      vi.stubEnv("no_proxy", "");
      const proxied = openAICompatibleUpstream({ baseURL: upstream.url, fetch: nodeFetch() });
      expect(await streamedText(proxied)).toBe("via proxy");
      expect(proxy.seen).toEqual([`POST ${upstream.url}/chat/completions`]);

      vi.stubEnv("NO_PROXY", "127.0.0.1");
      vi.stubEnv("no_proxy", "127.0.0.1");
      const direct = openAICompatibleUpstream({ baseURL: upstream.url, fetch: nodeFetch() });
      expect(await streamedText(direct)).toBe("via proxy");
      expect(proxy.seen).toHaveLength(1);
    });

    it("leaves HTTP_PROXY alone unless Node is told to use it, as Node's own clients do", async () => {
      const upstream = await loopback((_req, res) => res.end(JSON.stringify(completion)));
      const proxy = await forwardProxy();
      vi.stubEnv("NODE_USE_ENV_PROXY", "");
      vi.stubEnv("HTTP_PROXY", proxy.url);
      vi.stubEnv("http_proxy", proxy.url);
      const client = openAICompatibleUpstream({ baseURL: upstream.url, fetch: nodeFetch() });
      expect((await client.create({ model: "m", messages: [] }, { signal: signal() })).model).toBe("m");
      expect(proxy.seen).toEqual([]);
    });
  });

  describe("over https", () => {
    // A throwaway self-signed certificate for 127.0.0.1, made with the system's openssl.
    let tls: { key: string; cert: string };
    beforeAll(() => {
      const dir = mkdtempSync(join(tmpdir(), "rb-tls-"));
      try {
        execFileSync(
          "openssl",
          [
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            join(dir, "key.pem"),
            "-out",
            join(dir, "cert.pem"),
            "-days",
            "2",
            "-subj",
            "/CN=responses-bridge test",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
          ],
          { stdio: "ignore" },
        );
        tls = {
          key: readFileSync(join(dir, "key.pem"), "utf8"),
          cert: readFileSync(join(dir, "cert.pem"), "utf8"),
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("streams over https with a trusted CA, on one keep-alive connection", async () => {
      const server = await loopback((_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(`${frame("secure ")}${frame("hello", "stop")}data: [DONE]\n\n`);
      }, tls);
      const fetch = nodeFetch({ dispatcher: new Agent({ connect: { ca: tls.cert } }) });
      const upstream = openAICompatibleUpstream({ baseURL: server.url, fetch });
      for (let round = 0; round < 3; round++) {
        expect(await streamedText(upstream)).toBe("secure hello");
      }
      expect(server.connections).toBeLessThanOrEqual(2);
    });

    it("verifies certificates by default: an untrusted one is a 502 naming the TLS failure", async () => {
      const server = await loopback((_req, res) => res.end("{}"), tls);
      const upstream = openAICompatibleUpstream({ baseURL: server.url, fetch: nodeFetch() });
      await expect(upstream.create({ model: "m", messages: [] }, { signal: signal() })).rejects.toMatchObject(
        {
          status: 502,
          code: "upstream_connection_error",
          message: expect.stringMatching(/self[- ]signed/i),
        },
      );
    });

    it("tunnels through HTTPS_PROXY with CONNECT when Node is told to use it, and not to hosts in NO_PROXY", async () => {
      const upstream = await loopback((_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(`${frame("tunnelled ")}${frame("hello", "stop")}data: [DONE]\n\n`);
      }, tls);
      // A proxy that only tunnels: it records each CONNECT target and pipes the bytes both ways.
      const tunnels: string[] = [];
      const proxy = createServer((_req, res) => res.writeHead(405).end());
      proxy.on("connect", (req: IncomingMessage, client: import("node:net").Socket, head: Buffer) => {
        tunnels.push(req.url ?? "");
        const [host, port] = (req.url ?? "").split(":");
        const target = connectTcp(Number(port), host, () => {
          client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
          target.write(head);
          target.pipe(client).on("error", () => {});
          client.pipe(target).on("error", () => {});
        });
        target.on("error", () => client.destroy());
        client.on("error", () => target.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
      try {
        const proxyURL = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
        vi.stubEnv("NODE_USE_ENV_PROXY", "1");
        for (const name of ["HTTPS_PROXY", "https_proxy"]) vi.stubEnv(name, proxyURL);
        for (const name of ["NO_PROXY", "no_proxy"]) vi.stubEnv(name, "");
        const hostPort = new URL(upstream.url).host;
        // The default client goes through the tunnel, and still verifies the upstream's certificate.
        const byDefault = openAICompatibleUpstream({ baseURL: upstream.url, fetch: nodeFetch() });
        await expect(
          byDefault.create({ model: "m", messages: [] }, { signal: signal() }),
        ).rejects.toMatchObject({ status: 502, message: expect.stringMatching(/self[- ]signed/i) });
        expect(tunnels).toEqual([hostPort]);
        // A dispatcher of your own that trusts it streams through the same tunnel.
        const trusting = nodeFetch({ dispatcher: new EnvHttpProxyAgent({ requestTls: { ca: tls.cert } }) });
        const proxied = openAICompatibleUpstream({ baseURL: upstream.url, fetch: trusting });
        expect(await streamedText(proxied)).toBe("tunnelled hello");
        expect(tunnels).toEqual([hostPort, hostPort]);
        // NO_PROXY: straight to the upstream (and to its certificate check).
        for (const name of ["NO_PROXY", "no_proxy"]) vi.stubEnv(name, "127.0.0.1");
        const direct = openAICompatibleUpstream({ baseURL: upstream.url, fetch: nodeFetch() });
        await expect(direct.create({ model: "m", messages: [] }, { signal: signal() })).rejects.toMatchObject(
          {
            status: 502,
          },
        );
        expect(tunnels).toHaveLength(2);
      } finally {
        vi.unstubAllEnvs();
        proxy.closeAllConnections();
        await new Promise((resolve) => proxy.close(resolve));
      }
    });
  });
});
