import { Agent, createServer, request } from "node:http";
import { connect } from "node:net";
import OpenAI from "openai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { collect } from "./collect.js";
import { createScriptedBackend } from "./create-scripted-backend.js";
import { listenNodeServer, serveFetchHandler } from "./serve-fetch-handler.js";
import { parseSSE } from "./sse.js";
import type { ScriptedServer } from "./types.js";

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(backend = createScriptedBackend()) {
  const server = await backend.listen();
  servers.push(server);
  return { backend, server };
}

function post(url: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-Custom": "Yes" },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

const hello = { model: "m", messages: [{ role: "user", content: "hello" }] };

describe("listen() over node:http", () => {
  it("serves on 127.0.0.1 with a /v1 base URL and logs requests with lower-case headers", async () => {
    const { backend, server } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const response = await post(server.url, hello);
    expect((await response.json()).choices[0].message.content).toBe("You said: hello");
    const models = await fetch(`${server.url}/models`);
    expect((await models.json()).data[0].id).toBe("scripted-model");
    expect(backend.requests[0]).toMatchObject({
      method: "POST",
      path: "/v1/chat/completions",
      headers: { "x-custom": "Yes", "content-type": "application/json" },
      body: hello,
      aborted: false,
      completed: true,
    });
    expect(backend.requests[1]).toMatchObject({ method: "GET", path: "/v1/models", body: null });
  });

  it("writes each frame as it is produced", async () => {
    const { backend, server } = await start();
    backend.enqueue({ text: "aaaabbbbcccc", delayMs: 150 });
    const began = Date.now();
    const response = await post(server.url, { ...hello, stream: true });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.getReader();
    const first = await reader.read();
    // The first frame arrives while the backend is still producing the rest: streaming, not buffering.
    expect(backend.requests[0]?.completed).toBe(false);
    expect(new TextDecoder().decode(first.value)).toContain('"role":"assistant"');
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    const total = Date.now() - began;
    // 5 more frames (3 content, finish, [DONE]) at 150 ms each.
    expect(total).toBeGreaterThanOrEqual(700);
    expect(rest.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("stops and records the abort when the client aborts mid-stream", async () => {
    const { backend, server } = await start();
    backend.enqueue({ text: "x".repeat(500), chunkSize: 1, delayMs: 20 });
    const controller = new AbortController();
    const response = await post(server.url, { ...hello, stream: true }, controller.signal);
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await vi.waitFor(() => expect(backend.requests[0]?.aborted).toBe(true), { timeout: 2_000 });
    expect(backend.requests[0]?.completed).toBe(false);
  });

  it("a client that stops reading and then leaves stops the stream and records the abort", async () => {
    // On Node 24 the writes to a socket the peer closed fail at once, before the response reports
    // `close`: the copy must stop at the first failed write instead of pulling the rest of the body.
    const { backend, server } = await start();
    const frames = 3000;
    backend.enqueue({ text: "y".repeat(frames * 16_384), chunkSize: 16_384, usage: null });
    const outgoing = request(`${server.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    await new Promise<void>((resolve) => {
      outgoing.once("response", (response) => {
        response.pause();
        resolve();
      });
      outgoing.end(JSON.stringify({ ...hello, stream: true }));
    });
    // The server stalls once both sockets' buffers are full.
    await vi.waitFor(() => expect(backend.requests[0]?.chunksSent).toBeGreaterThan(10), { timeout: 5_000 });
    let last = -1;
    await vi.waitFor(
      () => {
        const sent = backend.requests[0]!.chunksSent;
        const stalled = sent === last;
        last = sent;
        expect(stalled).toBe(true);
      },
      { timeout: 10_000, interval: 300 },
    );
    outgoing.destroy();
    await vi.waitFor(() => expect(backend.requests[0]?.aborted).toBe(true), { timeout: 5_000 });
    expect(backend.requests[0]?.completed).toBe(false);
    expect(backend.requests[0]!.chunksSent).toBeLessThan(frames / 2);
  });
  it("records an abort during firstByteDelayMs", async () => {
    const { backend, server } = await start();
    backend.enqueue({ text: "late", firstByteDelayMs: 5_000 });
    const controller = new AbortController();
    const pending = post(server.url, hello, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() => expect(backend.requests[0]?.aborted).toBe(true), { timeout: 2_000 });
  });

  it("breakAfterChunks destroys the connection after N chunks, without [DONE]", async () => {
    const { backend, server } = await start();
    backend.enqueue({ text: "abcdefghijklmnop", breakAfterChunks: 3 });
    const response = await post(server.url, { ...hello, stream: true });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    let failure: unknown;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(Error);
    expect(parseSSE(text).map((message) => JSON.parse(message.data).choices[0].delta)).toEqual([
      { role: "assistant", content: "" },
      { content: "abcd" },
      { content: "efgh" },
    ]);
    expect(text).not.toContain("[DONE]");
    expect(backend.requests[0]).toMatchObject({ aborted: false, completed: false });
  });

  it("close() ends open streams instead of hanging", async () => {
    const backend = createScriptedBackend();
    const server = await backend.listen();
    backend.enqueue({ text: "y".repeat(1000), chunkSize: 1, delayMs: 50 });
    const response = await post(server.url, { ...hello, stream: true });
    const reader = response.body!.getReader();
    await reader.read();
    const began = Date.now();
    await server.close();
    // The scripted stream would run for 50 s; a close that waited for it would blow this bound.
    expect(Date.now() - began).toBeLessThan(10_000);
    await expect(reader.read()).rejects.toThrow();
    await vi.waitFor(() => expect(backend.requests[0]?.aborted).toBe(true));
  });
});

describe("the real openai SDK against listen()", () => {
  it("creates a non-streaming chat completion", async () => {
    const { backend, server } = await start();
    backend.enqueue({
      text: "Hello!",
      reasoning: "thinking",
      usage: { prompt_tokens: 7, completion_tokens: 2, cached_tokens: 3 },
    });
    const client = new OpenAI({ baseURL: server.url, apiKey: "sk-scripted", maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: "llama3",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(completion.model).toBe("llama3");
    expect(completion.choices[0]?.message).toMatchObject({ role: "assistant", content: "Hello!" });
    expect((completion.choices[0]!.message as { reasoning_content?: string }).reasoning_content).toBe(
      "thinking",
    );
    expect(completion.usage).toMatchObject({ total_tokens: 9, prompt_tokens_details: { cached_tokens: 3 } });
    expect(backend.requests[0]?.headers.authorization).toBe("Bearer sk-scripted");
  });

  it("streams text and parallel tool calls with include_usage, and the SDK accumulates them", async () => {
    const { backend, server } = await start();
    backend.enqueue({
      text: "Let me check.",
      interleaveToolCalls: true,
      chunkSize: 3,
      toolCalls: [
        { name: "get_weather", arguments: '{"city":"Oslo"}' },
        { name: "get_time", arguments: '{"tz":"CET"}' },
      ],
    });
    const client = new OpenAI({ baseURL: server.url, apiKey: "sk-scripted", maxRetries: 0 });
    const runner = client.chat.completions.stream({
      model: "m",
      messages: [{ role: "user", content: "weather and time?" }],
      stream_options: { include_usage: true },
    });
    const final = await runner.finalChatCompletion();
    const message = final.choices[0]?.message;
    expect(message?.content).toBe("Let me check.");
    expect(
      message?.tool_calls?.map((call) =>
        call.type === "function" ? [call.function.name, call.function.arguments] : [],
      ),
    ).toEqual([
      ["get_weather", '{"city":"Oslo"}'],
      ["get_time", '{"tz":"CET"}'],
    ]);
    expect(message?.tool_calls?.every((call) => /^call_/.test(call.id))).toBe(true);
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
    expect(final.usage?.total_tokens).toBeGreaterThan(0);
    expect(backend.requests[0]?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(backend.requests[0]?.completed).toBe(true);
  });

  it("iterates a raw stream: true response chunk by chunk", async () => {
    const { server } = await start();
    const client = new OpenAI({ baseURL: server.url, apiKey: "x", maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "ping" }],
      stream: true,
    });
    const chunks = await collect(stream);
    expect(
      chunks.every((chunk) => chunk.object === "chat.completion.chunk" && chunk.id.startsWith("chatcmpl-")),
    ).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("You said: ping");
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
  });

  it("surfaces error scenarios as the SDK's typed errors", async () => {
    const { backend, server } = await start();
    backend.enqueue({ error: { status: 429, headers: { "retry-after": "1" } } }, { error: { status: 500 } });
    const client = new OpenAI({ baseURL: server.url, apiKey: "x", maxRetries: 0 });
    const request = { model: "m", messages: [{ role: "user" as const, content: "x" }] };
    const limited = await client.chat.completions.create(request).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after")).toBe("1");
    const failed = await client.chat.completions.create(request).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
  });
});

describe("serveFetchHandler", () => {
  it("sends the head at once when the body is not ready, and the body when it is", async () => {
    let release!: () => void;
    const later = new Promise<void>((resolve) => (release = resolve));
    const server = await serveFetchHandler(
      async () =>
        new Response(
          new ReadableStream({
            async pull(controller) {
              await later;
              controller.enqueue(new TextEncoder().encode("late"));
              controller.close();
            },
          }),
        ),
    );
    servers.push(server);
    const { hostname, port } = new URL(server.url);
    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(`GET /v1/x HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
      });
      socket.once("data", (chunk: Buffer) => {
        resolve(chunk.toString("latin1"));
        release();
        socket.destroy();
      });
      socket.once("error", reject);
    });
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head.endsWith("\r\n\r\n")).toBe(true);
    expect(head).not.toContain("late");
  });
});

describe("listenNodeServer", () => {
  it("serves any node:http server under /v1, and close() drops idle keep-alive connections", async () => {
    let closed = 0;
    const server = createServer((req, res) => res.end(req.url));
    server.on("connection", (socket) => socket.once("close", () => closed++));
    const mounted = await listenNodeServer(server);
    expect(mounted.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const url = new URL(`${mounted.url}/models`);
    // A keep-alive client that leaves its connection open after the answer.
    const agent = new Agent({ keepAlive: true });
    const text = await new Promise<string>((resolve, reject) => {
      request(url, { agent }, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk)).once("end", () => resolve(body));
      })
        .once("error", reject)
        .end();
    });
    expect(text).toBe("/v1/models");
    expect(closed).toBe(0);
    await mounted.close();
    expect(server.listening).toBe(false);
    await vi.waitFor(() => expect(closed).toBe(1));
    agent.destroy();
  });

  it("rejects when the port is taken", async () => {
    const first = await listenNodeServer(createServer());
    servers.push(first);
    const port = Number(new URL(first.url).port);
    await expect(listenNodeServer(createServer(), { port })).rejects.toMatchObject({ code: "EADDRINUSE" });
  });
});
