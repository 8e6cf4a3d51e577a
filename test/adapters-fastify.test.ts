// Fastify specifics: the server's bodyLimit, its logger, headers set by hooks, encapsulation of the
// catch-all body parser.
import { Writable } from "node:stream";
import { createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import { responsesPlugin } from "@responses-bridge/fastify";
import { createScriptedBackend, type ScriptedBackend, type ScriptedServer } from "@responses-bridge/testkit";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { listen, type MountedBridge } from "./utils/harness.js";

let running: { upstream: ScriptedServer; bridge: MountedBridge } | undefined;
afterEach(async () => {
  await running?.bridge.close();
  await running?.upstream.close();
  running = undefined;
});

/** A Fastify app with the bridge registered under /v1, after `build` added its own parts. */
async function setup(
  options: FastifyServerOptions = {},
  build: (app: FastifyInstance) => void = () => {},
): Promise<{ backend: ScriptedBackend; url: string }> {
  const backend = createScriptedBackend();
  const upstream = await backend.listen();
  const handler = createResponsesHandler({ upstream: openAICompatibleUpstream({ baseURL: upstream.url }) });
  const app = Fastify(options);
  build(app);
  await app.register(responsesPlugin, { handler, prefix: "/v1" });
  await app.ready();
  const bridge = await listen(app.server);
  running = { upstream, bridge };
  return { backend, url: bridge.url };
}

function post(url: string, body: unknown, init: RequestInit = {}) {
  return fetch(`${url}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...init,
  });
}

describe("responsesPlugin", () => {
  it("enforces the server's bodyLimit with an OpenAI-shaped 413", async () => {
    const { url, backend } = await setup({ bodyLimit: 500 });
    const response = await post(url, { model: "m", input: "x".repeat(1000) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: {
        message: "Request body too large: the limit is 500 bytes.",
        type: "invalid_request_error",
        param: null,
        code: "request_too_large",
      },
    });
    expect(backend.requests).toHaveLength(0);
  });

  it("logs streamed and JSON requests through Fastify's logger", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    const { url, backend } = await setup({ logger: { level: "info", stream } });
    backend.enqueue({ text: "logged" }, { text: "logged too" });
    await (await post(url, { model: "m", input: "hi", stream: true })).text();
    await (await post(url, { model: "m", input: "hi" })).text();
    const completed = lines.filter((line) => line.msg === "request completed");
    expect(completed.map((line) => (line.res as { statusCode: number }).statusCode)).toEqual([200, 200]);
  });

  it("keeps headers that hooks set (CORS) on streamed and JSON answers", async () => {
    const { url, backend } = await setup({}, (app) => {
      app.addHook("onRequest", async (_request, reply) => {
        reply.header("access-control-allow-origin", "*");
      });
    });
    backend.enqueue({ text: "a" }, { text: "b" });
    const streamed = await post(url, { model: "m", input: "hi", stream: true });
    expect(streamed.headers.get("content-type")).toContain("text/event-stream");
    expect(streamed.headers.get("access-control-allow-origin")).toBe("*");
    await streamed.text();
    const json = await post(url, { model: "m", input: "hi" });
    expect(json.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("leaves Fastify's own body parsing to the rest of the app", async () => {
    const { url } = await setup({}, (app) => {
      app.post("/echo", async (request) => ({ received: request.body }));
    });
    const response = await fetch(url.replace("/v1", "/echo"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ a: 1 }),
    });
    expect(await response.json()).toEqual({ received: { a: 1 } });
  });

  it("answers a POST without a body or content type with the core's 400", async () => {
    const { url } = await setup();
    const response = await fetch(`${url}/responses`, { method: "POST" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      "The request body is empty: expected a JSON object.",
    );
  });
});
