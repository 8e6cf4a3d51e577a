import { createScriptedBackend, parseSSE, type ScriptedServer } from "@responses-bridge/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBridgeConfig } from "./config-file.js";
import { type Bridge, createBridge, type RequestRecord } from "./create-bridge.js";
import { createLogger } from "./create-logger.js";
import { resolveSettings } from "./resolve-settings.js";

const logger = createLogger({ level: "silent", json: false, write: () => {} });

const down = createScriptedBackend({ script: () => ({ error: { status: 500 } }) });
const up = createScriptedBackend({ script: (body) => ({ text: `served by up as ${body.model}` }) });
const limited = createScriptedBackend({
  script: () => ({ error: { status: 429, headers: { "retry-after": "7" } } }),
});
const servers: ScriptedServer[] = [];
let urls: { down: string; up: string; limited: string };

beforeAll(async () => {
  const listening = await Promise.all([down.listen(), up.listen(), limited.listen()]);
  servers.push(...listening);
  urls = { down: listening[0]!.url, up: listening[1]!.url, limited: listening[2]!.url };
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function bridgeFor(config: unknown, env: NodeJS.ProcessEnv = {}, codex = false): Promise<Bridge> {
  const settings = resolveSettings({ jsonLogs: false, probe: false }, parseBridgeConfig(config), env);
  return createBridge({ settings, logger, codex });
}

function post(bridge: Bridge, path: string, body: unknown, headers: Record<string, string> = {}) {
  return bridge.handler.fetch(
    new Request(`http://bridge.test/v1${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    }),
  );
}

describe("createBridge", () => {
  it("routes models to upstreams and falls back down the list when one fails before its first byte", async () => {
    const bridge = await bridgeFor({
      upstreams: { down: { baseURL: urls.down }, up: { baseURL: urls.up } },
      upstream: "up",
      routes: {
        coder: [
          { upstream: "down", model: "big" },
          { upstream: "up", model: "small" },
        ],
      },
    });
    const response = await post(bridge, "/responses", { model: "coder", input: "hi" });
    expect(response.status).toBe(200);
    const json = (await response.json()) as { output: { content: { text: string }[] }[] };
    expect(json.output[0]?.content[0]?.text).toBe("served by up as small");
    expect(down.requests.at(-1)?.body?.model).toBe("big");
    const models = await bridge.handler.fetch(new Request("http://bridge.test/v1/models"));
    expect(((await models.json()) as { data: { id: string }[] }).data.map((model) => model.id)).toEqual([
      "coder",
    ]);
    await bridge.close();
  });

  it("pins the system prompt before the client's instructions, for /responses and /chat/completions", async () => {
    const bridge = await bridgeFor({
      upstreams: { up: { baseURL: urls.up } },
      systemPrompt: "Answer in French.",
    });
    await post(bridge, "/responses", { model: "m", instructions: "Be brief.", input: "hi" });
    expect(up.requests.at(-1)?.body?.messages).toEqual([
      { role: "system", content: "Answer in French.\n\nBe brief." },
      { role: "user", content: "hi" },
    ]);
    await post(bridge, "/chat/completions", { model: "m", messages: [{ role: "user", content: "hi" }] });
    expect(up.requests.at(-1)?.body?.messages).toEqual([
      { role: "system", content: "Answer in French." },
      { role: "user", content: "hi" },
    ]);
    await bridge.close();
  });

  it("checks the client key when auth.apiKeyEnv is set", async () => {
    const bridge = await bridgeFor(
      { upstreams: { up: { baseURL: urls.up } }, auth: { apiKeyEnv: "CLIENT_KEY" } },
      { CLIENT_KEY: "ck-0123456789" },
    );
    expect((await post(bridge, "/responses", { model: "m", input: "hi" })).status).toBe(401);
    expect(
      (await post(bridge, "/responses", { model: "m", input: "hi" }, { authorization: "Bearer nope" }))
        .status,
    ).toBe(401);
    const ok = await post(
      bridge,
      "/responses",
      { model: "m", input: "hi" },
      { authorization: "Bearer ck-0123456789" },
    );
    expect(ok.status).toBe(200);
    await bridge.close();
  });

  it("maps an upstream 429 to response.failed 'try again in Ns' under the Codex setup, an HTTP 429 otherwise", async () => {
    const config = { upstreams: { limited: { baseURL: urls.limited } } };
    const plain = await bridgeFor(config);
    const http = await post(plain, "/responses", { model: "m", input: "hi", stream: true });
    expect(http.status).toBe(429);

    const codex = await bridgeFor(config, {}, true);
    const streamed = await post(codex, "/responses", { model: "m", input: "hi", stream: true });
    expect(streamed.status).toBe(200);
    const events = parseSSE(await streamed.text()).map((message) => JSON.parse(message.data));
    const failed = events.at(-1) as { type: string; response: { error: { code: string; message: string } } };
    expect(failed.type).toBe("response.failed");
    expect(failed.response.error.code).toBe("rate_limit_exceeded");
    expect(failed.response.error.message).toMatch(/try again in 7s/i);
  });

  it("fills the request record (model, outcome, tokens) through the hooks", async () => {
    const bridge = await bridgeFor({ upstreams: { up: { baseURL: urls.up } } });
    const response = await post(bridge, "/responses", { model: "asked-for", input: "hi", stream: true });
    await response.text();
    // The server takes the record by the answer's x-request-id when the request ends (start-server.ts).
    const record = bridge.takeRecord(response.headers.get("x-request-id")!) as RequestRecord;
    expect(bridge.takeRecord(record.requestId!)).toBeUndefined();
    expect(record).toMatchObject({ model: "asked-for", kind: "responses", outcome: "completed" });
    expect(record.inputTokens).toBeGreaterThan(0);
    expect(record.outputTokens).toBeGreaterThan(0);
    expect(record.requestId).toMatch(/^req_/);
  });

  it("serves the mock with no network and lists its model", async () => {
    const bridge = await bridgeFor({ upstreams: { mock: { preset: "mock" } } });
    const models = await bridge.handler.fetch(new Request("http://bridge.test/v1/models"));
    expect(((await models.json()) as { data: { id: string }[] }).data.map((model) => model.id)).toEqual([
      "mock",
    ]);
    const response = await post(bridge, "/responses", { model: "mock", input: "hello" });
    expect(JSON.stringify(await response.json())).toContain("responses-bridge mock model");
  });

  it("keeps about 4 MiB of stored turns by default, more when the config file says so", async () => {
    // Eight turns of 600 KB each: 4.8 MB, more than the default bound, less than 8 MiB.
    const storeTurns = async (bridge: Bridge) => {
      const ids: string[] = [];
      for (let turn = 0; turn < 8; turn++) {
        const response = await post(bridge, "/responses", { model: "up", input: `${turn}`.repeat(600_000) });
        expect(response.status).toBe(200);
        ids.push(((await response.json()) as { id: string }).id);
      }
      const status = async (id: string) =>
        (await bridge.handler.fetch(new Request(`http://bridge.test/v1/responses/${id}`))).status;
      return { first: await status(ids[0]!), last: await status(ids.at(-1)!) };
    };
    const upstreams = { up: { baseURL: urls.up } };
    const byDefault = await bridgeFor({ upstreams });
    expect(await storeTurns(byDefault)).toEqual({ first: 404, last: 200 });
    const larger = await bridgeFor({ upstreams, store: { type: "memory", maxBytes: 8 * 1024 * 1024 } });
    expect(await storeTurns(larger)).toEqual({ first: 200, last: 200 });
  });

  it("loads the Redis store lazily from @responses-bridge/redis", async () => {
    const bridge = await bridgeFor(
      { upstreams: { up: { baseURL: urls.up } }, store: { type: "redis", urlEnv: "REDIS_URL" } },
      { REDIS_URL: "redis://127.0.0.1:1" },
    );
    await bridge.close();
  });
});
