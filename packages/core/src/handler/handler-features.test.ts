import { createScriptedBackend, parseSSE, type Scenario } from "@responses-bridge/testkit";
import { describe, expect, it } from "vitest";
import { createResponsesHandler } from "../create-responses-handler.js";
import { ResponsesBridgeError } from "../errors.js";
import type { ResponseObject } from "../types.js";
import { openAICompatibleUpstream } from "../upstream/openai-compatible-upstream.js";
import type { HookContext, ResponsesHandlerOptions } from "./options.js";

function backend(...scenarios: Scenario[]) {
  const scripted = createScriptedBackend({ script: scenarios });
  const upstream = openAICompatibleUpstream({
    baseURL: "http://scripted.test/v1",
    apiKey: "sk-secret-upstream-key",
    fetch: scripted.fetch,
  });
  return { scripted, upstream };
}

function call(
  handler: ReturnType<typeof createResponsesHandler>,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return handler.fetch(
    new Request(`http://bridge.test${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

describe("authenticate and tenancy", () => {
  const upstream = backend();
  const options: ResponsesHandlerOptions = {
    upstream: upstream.upstream,
    authenticate: ({ headers }) => {
      const key = headers.get("authorization");
      return key === "Bearer alice" ? { tenant: "alice" } : key === "Bearer bob" ? { tenant: "bob" } : null;
    },
  };

  it("answers 401 OpenAI-shaped without credentials", async () => {
    const handler = createResponsesHandler(options);
    const response = await call(handler, "/v1/responses", { model: "m", input: "x" });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: {
        message: "Missing or invalid credentials.",
        type: "authentication_error",
        param: null,
        code: "invalid_api_key",
      },
    });
  });

  it("scopes stored responses by tenant", async () => {
    const handler = createResponsesHandler(options);
    const created = (await (
      await call(handler, "/v1/responses", { model: "m", input: "mine" }, { authorization: "Bearer alice" })
    ).json()) as ResponseObject;
    expect(
      (await call(handler, `/v1/responses/${created.id}`, undefined, { authorization: "Bearer alice" }))
        .status,
    ).toBe(200);
    expect(
      (await call(handler, `/v1/responses/${created.id}`, undefined, { authorization: "Bearer bob" })).status,
    ).toBe(404);
    const chained = await call(
      handler,
      "/v1/responses",
      { model: "m", input: "x", previous_response_id: created.id },
      { authorization: "Bearer bob" },
    );
    expect(chained.status).toBe(400);
    expect(((await chained.json()) as { error: { code: string } }).error.code).toBe(
      "previous_response_not_found",
    );
  });
});

describe("transform and audit hooks", () => {
  it("transformRequest and transformChatRequest rewrite what is sent; hooks never see the upstream key", async () => {
    const { scripted, upstream } = backend({ text: "ok" });
    const seen: HookContext[] = [];
    const handler = createResponsesHandler({
      upstream,
      transformRequest: (request, context) => {
        seen.push(context);
        return { ...request, instructions: "Project rules: be terse." };
      },
      transformChatRequest: (params, context) => {
        seen.push(context);
        return { ...params, max_tokens: Math.min(params.max_tokens ?? 512, 512) };
      },
    });
    const response = (await (
      await call(handler, "/v1/responses", { model: "m", input: "x", max_output_tokens: 4096 })
    ).json()) as ResponseObject;
    const sent = scripted.requests.at(-1)?.body;
    expect(sent?.messages[0]).toEqual({ role: "system", content: "Project rules: be terse." });
    expect(sent?.max_tokens).toBe(512);
    expect(response.instructions).toBe("Project rules: be terse.");
    expect(JSON.stringify(seen)).not.toContain("sk-secret-upstream-key");
    expect(Object.keys(seen[0]!)).toEqual(["requestId"]);
  });

  it("transformRequest may answer with a promise, or fail the request, for short and sliced inputs alike", async () => {
    const { scripted, upstream } = backend({ text: "a" }, { text: "b" });
    const handler = createResponsesHandler({
      upstream,
      transformRequest: async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (request.instructions === "refuse")
          throw new ResponsesBridgeError("Not today.", { status: 403, type: "invalid_request_error" });
        return { ...request, instructions: "rewritten" };
      },
    });
    // 300 items: validated in slices, then transformed.
    const long = Array.from({ length: 300 }, (_, index) => ({ role: "user", content: `m${index}` }));
    for (const input of ["short", long]) {
      const ok = await call(handler, "/v1/responses", { model: "m", input });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as ResponseObject).instructions).toBe("rewritten");
      expect(scripted.requests.at(-1)?.body?.messages[0]).toEqual({ role: "system", content: "rewritten" });
      const refused = await call(handler, "/v1/responses", { model: "m", input, instructions: "refuse" });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toBe("Not today.");
    }
    expect(scripted.requests).toHaveLength(2);
  });

  it("onResponse sees every turn once and onEvent sees exactly the streamed events", async () => {
    const { upstream } = backend({ text: "json turn" }, { text: "stream turn", chunkSize: 3 });
    const responses: ResponseObject[] = [];
    const events: unknown[] = [];
    const handler = createResponsesHandler({
      upstream,
      onResponse: (response) => responses.push(response),
      onEvent: (event) => events.push(event),
    });
    await (await call(handler, "/v1/responses", { model: "m", input: "a" })).json();
    const text = await (
      await call(handler, "/v1/responses", { model: "m", input: "b", stream: true })
    ).text();
    const streamed = parseSSE(text).map((message) => JSON.parse(message.data));
    expect(events).toEqual(streamed);
    expect(responses.map((response) => response.status)).toEqual(["completed", "completed"]);
    expect(responses[1]).toEqual(streamed.at(-1).response);
  });
});

describe("model routing and fallback", () => {
  it("routes by model name, with '*' for the rest, and lists routed models", async () => {
    const a = backend({ text: "from a" });
    const b = backend({ text: "from b" });
    const handler = createResponsesHandler({
      routes: { "qwen-coder": { upstream: a.upstream, model: "qwen2.5-coder:7b" }, "*": b.upstream },
      models: ["extra-model"],
    });
    const first = (await (
      await call(handler, "/v1/responses", { model: "qwen-coder", input: "x" })
    ).json()) as ResponseObject;
    const second = (await (
      await call(handler, "/v1/responses", { model: "anything", input: "x" })
    ).json()) as ResponseObject;
    expect(first.output[0]).toMatchObject({ content: [{ text: "from a" }] });
    expect(second.output[0]).toMatchObject({ content: [{ text: "from b" }] });
    expect(a.scripted.requests[0]?.body?.model).toBe("qwen2.5-coder:7b");
    expect(b.scripted.requests[0]?.body?.model).toBe("anything");
    const models = (await (await call(handler, "/v1/models")).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((model) => model.id).sort()).toEqual(["extra-model", "qwen-coder"]);
    expect((await call(handler, "/v1/models/qwen-coder")).status).toBe(200);
    expect((await call(handler, "/v1/models/nope")).status).toBe(404);
  });

  it("answers 404 model_not_found when no route serves the model", async () => {
    const handler = createResponsesHandler({
      routes: (model) => (model === "x" ? backend().upstream : undefined),
    });
    const response = await call(handler, "/v1/responses", { model: "y", input: "x" });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string; param: string } }).error).toMatchObject({
      code: "model_not_found",
      param: "model",
    });
  });

  it.each([
    ["a 500", { error: { status: 500 } }],
    ["a 503", { error: { status: 503 } }],
    ["a 429", { error: { status: 429 } }],
  ])(
    "falls back to the next upstream after %s before the first byte (JSON and stream)",
    async (_name, failure) => {
      const first = backend(failure, failure);
      const second = backend({ text: "fallback answered" }, { text: "fallback streamed" });
      const handler = createResponsesHandler({ routes: { "*": [first.upstream, second.upstream] } });
      const json = (await (
        await call(handler, "/v1/responses", { model: "m", input: "x" })
      ).json()) as ResponseObject;
      expect(json.output[0]).toMatchObject({ content: [{ text: "fallback answered" }] });
      const stream = await (
        await call(handler, "/v1/responses", { model: "m", input: "x", stream: true })
      ).text();
      expect(stream).toContain("fallback streamed");
      expect(first.scripted.requests).toHaveLength(2);
    },
  );

  it("falls back when the first upstream is unreachable, but not on a 400", async () => {
    const unreachable = openAICompatibleUpstream({ baseURL: "http://127.0.0.1:9/v1" });
    const ok = backend({ text: "reachable" });
    const handler = createResponsesHandler({ routes: { "*": [unreachable, ok.upstream] } });
    expect(await (await call(handler, "/v1/responses", { model: "m", input: "x" })).text()).toContain(
      "reachable",
    );

    const bad = backend({ error: { status: 400 } });
    const never = backend({ text: "must not be used" });
    const strict = createResponsesHandler({ routes: { "*": [bad.upstream, never.upstream] } });
    expect((await call(strict, "/v1/responses", { model: "m", input: "x" })).status).toBe(400);
    expect(never.scripted.requests).toHaveLength(0);
  });
});

describe("chat completions pass-through", () => {
  it("passes JSON and streaming requests to the routed upstream with transformChatRequest applied", async () => {
    const { scripted, upstream } = backend({ text: "chat json" }, { text: "chat stream", chunkSize: 2 });
    const handler = createResponsesHandler({
      upstream,
      transformChatRequest: (params) => ({ ...params, temperature: 0 }),
    });
    const json = (await (
      await call(handler, "/v1/chat/completions", { model: "m", messages: [{ role: "user", content: "hi" }] })
    ).json()) as {
      choices: Array<{ message: { content: string } }>;
    };
    expect(json.choices[0]?.message.content).toBe("chat json");
    expect(scripted.requests[0]?.body?.temperature).toBe(0);
    const text = await (
      await call(handler, "/v1/chat/completions", {
        model: "m",
        messages: [{ role: "user", content: "hi" }],
        stream: true,
      })
    ).text();
    const frames = parseSSE(text).map((message) => message.data);
    expect(frames.at(-1)).toBe("[DONE]");
    const content = frames
      .slice(0, -1)
      .map((data) => JSON.parse(data).choices[0]?.delta?.content ?? "")
      .join("");
    expect(content).toBe("chat stream");
  });

  it("rejects malformed chat bodies with a 400 naming the param", async () => {
    const handler = createResponsesHandler({ upstream: backend().upstream });
    const response = await call(handler, "/v1/chat/completions", { model: "m", messages: "nope" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe("messages");
  });
});

describe("keep-alive during long prompt processing", () => {
  it("starts the stream after one interval, sends comments while the upstream is silent, then the answer", async () => {
    // The upstream answers only when the test opens the gate: no timing assumptions.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const scripted = createScriptedBackend({
      script: async () => {
        await gate;
        return { text: "slow but here" };
      },
    });
    const upstream = openAICompatibleUpstream({ baseURL: "http://scripted.test/v1", fetch: scripted.fetch });
    const handler = createResponsesHandler({ upstream, keepAliveMs: 20 });
    const response = await call(handler, "/v1/responses", { model: "m", input: "x", stream: true });
    // Headers are out although the upstream has not answered yet.
    expect(response.status).toBe(200);
    expect(scripted.requests.at(-1)?.completed).toBe(false);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes(": keep-alive")) text += decoder.decode((await reader.read()).value);
    open();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    const created = text.indexOf("response.created");
    const comment = text.indexOf(": keep-alive");
    const delta = text.indexOf("response.output_text.delta");
    expect(created).toBeGreaterThanOrEqual(0);
    expect(comment).toBeGreaterThan(created);
    expect(delta).toBeGreaterThan(comment);
    expect(text).toContain("response.completed");
  });

  it("reports an upstream error after the stream started as response.failed", async () => {
    const errors: ResponsesBridgeError[] = [];
    const { upstream } = backend({
      error: { status: 429, headers: { "retry-after": "3" } },
      firstByteDelayMs: 150,
    });
    const handler = createResponsesHandler({
      upstream,
      keepAliveMs: 30,
      onError: (error) => errors.push(error),
    });
    const response = await call(handler, "/v1/responses", { model: "m", input: "x", stream: true });
    expect(response.status).toBe(200);
    const events = parseSSE(await response.text()).map((message) => JSON.parse(message.data));
    expect(events.at(-1)).toMatchObject({
      type: "response.failed",
      response: { status: "failed", error: { code: "rate_limit_exceeded" } },
    });
    expect(errors.map((error) => error.status)).toEqual([429]);
  });

  it("keeps upstream errors as HTTP errors when the upstream answers within the interval", async () => {
    const { upstream } = backend({ error: { status: 429, headers: { "retry-after": "3" } } });
    const handler = createResponsesHandler({ upstream, keepAliveMs: 5_000 });
    const response = await call(handler, "/v1/responses", { model: "m", input: "x", stream: true });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
  });
});

describe("Codex-friendly failures (streamErrors: 'events')", () => {
  it("turns an upstream 429 before the first byte into response.failed with 'try again in Ns'", async () => {
    const { upstream } = backend({ error: { status: 429, headers: { "retry-after": "7" } } });
    const handler = createResponsesHandler({ upstream, streamErrors: "events" });
    const response = await call(handler, "/v1/responses", { model: "m", input: "x", stream: true });
    expect(response.status).toBe(200);
    const events = parseSSE(await response.text()).map((message) => JSON.parse(message.data));
    expect(events.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.failed",
    ]);
    expect(events[2].response.error).toEqual({
      code: "rate_limit_exceeded",
      message: "Rate limit reached for the upstream model. Please try again in 7s.",
    });
  });

  it.each([
    ["vLLM", "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens."],
    ["llama.cpp", "the request exceeds the available context size, try increasing it (n_ctx)"],
    ["Ollama", "input is too long for the context window"],
  ])("maps a %s context overflow to context_length_exceeded (HTTP and events)", async (_name, message) => {
    const body = { error: { message, type: "invalid_request_error", code: null } };
    const http = createResponsesHandler({ upstream: backend({ error: { status: 400, body } }).upstream });
    const json = await call(http, "/v1/responses", { model: "m", input: "x" });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe("context_length_exceeded");

    const events = createResponsesHandler({
      upstream: backend({ error: { status: 400, body } }).upstream,
      streamErrors: "events",
    });
    const text = await (await call(events, "/v1/responses", { model: "m", input: "x", stream: true })).text();
    expect(
      parseSSE(text)
        .map((frame) => JSON.parse(frame.data))
        .at(-1).response.error.code,
    ).toBe("context_length_exceeded");
  });

  it("leaves other 400s alone", async () => {
    const handler = createResponsesHandler({
      upstream: backend({ error: { status: 400 } }).upstream,
      streamErrors: "events",
    });
    const text = await (
      await call(handler, "/v1/responses", { model: "m", input: "x", stream: true })
    ).text();
    expect(
      parseSSE(text)
        .map((frame) => JSON.parse(frame.data))
        .at(-1).response.error.code,
    ).not.toBe("context_length_exceeded");
  });
});
