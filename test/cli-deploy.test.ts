// The CLI as deployed: configured from the environment only, /healthz, /readyz, /metrics, CORS, and the
// upstream's own model list on /v1/models. The real openai SDK is the client.

import { createScriptedBackend, type ScriptedServer } from "@responses-bridge/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort, readyURL, spawnCli, stopAllChildren } from "./e2e/support/cli-process.js";
import { OpenAIClient } from "./utils/openai-client.js";

const backend = createScriptedBackend({
  models: ["llama3.2:3b", "qwen3:8b"],
  script: () => ({
    text: "Hello from the scripted upstream.",
    usage: { prompt_tokens: 11, completion_tokens: 7 },
  }),
});
let upstream: ScriptedServer;

beforeAll(async () => {
  upstream = await backend.listen();
});
afterAll(async () => {
  await upstream.close();
});
afterEach(stopAllChildren);

describe("responses-bridge serve, deployed", { timeout: 60_000 }, () => {
  it("takes every setting from the environment and serves health, readiness, metrics and models", async () => {
    const port = await freePort();
    const bridge = spawnCli(["serve"], {
      env: {
        RESPONSES_BRIDGE_UPSTREAM: upstream.url,
        PORT: String(port),
        HOST: "127.0.0.1",
        RESPONSES_BRIDGE_METRICS: "1",
        RESPONSES_BRIDGE_CORS: "https://app.example.com",
      },
    });
    const url = await readyURL(bridge);
    expect(url).toBe(`http://127.0.0.1:${port}/v1`);
    const origin = `http://127.0.0.1:${port}`;

    const health = await fetch(`${origin}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${origin}/readyz`);
    expect(ready.status).toBe(200);

    const client = new OpenAIClient({ baseURL: url, apiKey: "unused", maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(["llama3.2:3b", "qwen3:8b"]);
    const stream = client.responses.stream({ model: "qwen3:8b", input: "hi" });
    expect((await stream.finalResponse()).output_text).toBe("Hello from the scripted upstream.");

    const metrics = await (await fetch(`${origin}/metrics`)).text();
    expect(metrics).toMatch(/^responses_bridge_requests_total\{route="responses",status="200"\} 1$/m);
    expect(metrics).toMatch(/^responses_bridge_requests_total\{route="models",status="200"\} 1$/m);
    expect(metrics).toMatch(/^responses_bridge_request_duration_seconds_count\{route="responses"\} 1$/m);
    expect(metrics).toMatch(/^responses_bridge_time_to_first_token_seconds_count 1$/m);
    expect(metrics).toMatch(/^responses_bridge_tokens_total\{type="input"\} 11$/m);
    expect(metrics).toMatch(/^responses_bridge_tokens_total\{type="output"\} 7$/m);
    expect(metrics).toMatch(/^responses_bridge_active_streams 0$/m);

    const preflight = await fetch(`${url}/responses`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    const cors = await fetch(`${url}/models`, { headers: { origin: "https://app.example.com" } });
    expect(cors.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    const other = await fetch(`${url}/models`, { headers: { origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();

    expect((await bridge.stop("SIGTERM")).code).toBe(0);
  });

  it("a flag on the command line wins over its variable; /readyz is 503 when the upstream is gone", async () => {
    const gone = createScriptedBackend();
    const goneServer = await gone.listen();
    const bridge = spawnCli(["serve", "--port", "0", "--upstream", goneServer.url], {
      env: { PORT: "1", RESPONSES_BRIDGE_UPSTREAM: "http://127.0.0.1:9/v1" },
    });
    const url = await readyURL(bridge);
    const origin = new URL(url).origin;
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);
    await goneServer.close();
    const ready = await fetch(`${origin}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { status: string }).status).toBe("unavailable");
    expect((await fetch(`${origin}/metrics`)).status).toBe(404);
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    expect((await bridge.stop("SIGTERM")).code).toBe(0);
  });
});
