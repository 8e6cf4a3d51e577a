import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { collect } from "./collect.js";
import { createScriptedBackend } from "./create-scripted-backend.js";
import { parseSSE, readSSEEvents } from "./sse.js";

const BASE = "http://scripted.test/v1";

function chat(body: unknown, init: RequestInit = {}): Request {
  return new Request(`${BASE}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...init,
  });
}

const hello = { model: "m", messages: [{ role: "user", content: "hello" }] };

describe("createScriptedBackend (in-process fetch)", () => {
  it("echoes the last user message by default and logs the request", async () => {
    const backend = createScriptedBackend();
    const response = await backend.fetch(chat(hello));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const completion = await response.json();
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("m");
    expect(completion.choices[0].message.content).toBe("You said: hello");
    expect(backend.requests).toEqual([
      {
        method: "POST",
        path: "/v1/chat/completions",
        headers: expect.objectContaining({
          authorization: "Bearer sk-test",
          "content-type": "application/json",
        }),
        body: hello,
        aborted: false,
        completed: true,
        chunksSent: 0,
      },
    ]);
  });

  it("consumes the script array, then enqueued scenarios, FIFO, then the fallback", async () => {
    const backend = createScriptedBackend({ script: [{ text: "one" }], fallback: { text: "fallback" } });
    backend.enqueue({ text: "two" }, { text: "three" });
    const texts: string[] = [];
    for (let i = 0; i < 5; i++) {
      const completion = await (await backend.fetch(chat(hello))).json();
      texts.push(completion.choices[0].message.content);
    }
    expect(texts).toEqual(["one", "two", "three", "fallback", "fallback"]);
  });

  it("asks a script function with the body and record once the queue is empty", async () => {
    const backend = createScriptedBackend({
      script: (body, record) => ({ text: `${body.model} ${record.path} #${backend.requests.length}` }),
    });
    backend.enqueue({ text: "queued" });
    const first = await (await backend.fetch(chat(hello))).json();
    const second = await (await backend.fetch(chat(hello))).json();
    expect(first.choices[0].message.content).toBe("queued");
    expect(second.choices[0].message.content).toBe("m /v1/chat/completions #2");
  });

  it("reset() clears the log and the queue in place", async () => {
    const backend = createScriptedBackend();
    const log = backend.requests;
    backend.enqueue({ text: "queued" });
    await backend.fetch(new Request(`${BASE}/models`));
    backend.reset();
    expect(log).toHaveLength(0);
    const completion = await (await backend.fetch(chat(hello))).json();
    expect(completion.choices[0].message.content).toBe("You said: hello");
    expect(log).toHaveLength(1);
  });

  it("lists models on GET {prefix}/models and 404s unknown paths", async () => {
    const backend = createScriptedBackend({ models: ["a", "b"] });
    const models = await (await backend.fetch(new Request("http://x/api/openai/v1/models"))).json();
    expect(models).toMatchObject({ object: "list", data: [{ id: "a", object: "model" }, { id: "b" }] });
    const missing = await backend.fetch(new Request(`${BASE}/embeddings`, { method: "POST", body: "{}" }));
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.type).toBe("not_found_error");
    const wrongMethod = await backend.fetch(new Request(`${BASE}/chat/completions`));
    expect(wrongMethod.status).toBe(405);
    expect(backend.requests.map((record) => [record.method, record.path])).toEqual([
      ["GET", "/api/openai/v1/models"],
      ["POST", "/v1/embeddings"],
      ["GET", "/v1/chat/completions"],
    ]);
  });

  it("answers an error scenario with its status, default OpenAI-shaped body and headers", async () => {
    const backend = createScriptedBackend();
    backend.enqueue(
      { error: { status: 429, headers: { "retry-after": "2" } } },
      {
        error: {
          status: 500,
          body: { error: { message: "boom", type: "server_error", param: null, code: "x" } },
        },
      },
      { error: { status: 502, body: "Bad gateway" } },
    );
    const limited = await backend.fetch(chat(hello));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(await limited.json()).toEqual({
      error: { message: "Scripted error (HTTP 429)", type: "rate_limit_error", param: null, code: null },
    });
    const failed = await backend.fetch(chat({ ...hello, stream: true }));
    expect(failed.status).toBe(500);
    expect((await failed.json()).error).toEqual({
      message: "boom",
      type: "server_error",
      param: null,
      code: "x",
    });
    const gateway = await backend.fetch(chat(hello));
    expect([gateway.status, await gateway.text()]).toEqual([502, "Bad gateway"]);
  });

  it("rejects malformed JSON and missing messages with a 400", async () => {
    const backend = createScriptedBackend();
    const malformed = await backend.fetch(chat("{not json"));
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error).toMatchObject({ type: "invalid_request_error", param: null });
    const missing = await backend.fetch(chat({ model: "m" }));
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatchObject({
      param: "messages",
      code: "missing_required_parameter",
    });
    expect(backend.requests[0]?.body).toBeNull();
    expect(backend.requests[1]?.body).toEqual({ model: "m" });
  });

  it("rejects stream_options when rejectStreamOptions is set", async () => {
    const backend = createScriptedBackend({ rejectStreamOptions: true });
    const rejected = await backend.fetch(
      chat({ ...hello, stream: true, stream_options: { include_usage: true } }),
    );
    expect(rejected.status).toBe(400);
    expect(await rejected.json()).toEqual({
      error: {
        message: "Unrecognized request argument supplied: stream_options",
        type: "invalid_request_error",
        param: "stream_options",
        code: null,
      },
    });
    const accepted = await backend.fetch(chat({ ...hello, stream: true }));
    expect(accepted.status).toBe(200);
    await accepted.text();
  });

  it("streams SSE frames ending in [DONE], with a usage chunk only when include_usage is asked", async () => {
    const backend = createScriptedBackend();
    backend.enqueue({ text: "abcdef", chunkSize: 3 }, { text: "abcdef", chunkSize: 3 });
    const plain = await backend.fetch(chat({ ...hello, stream: true }));
    expect(plain.headers.get("content-type")).toBe("text/event-stream");
    const plainText = await plain.text();
    expect(plainText.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(plainText.split("\n\n").every((frame) => frame === "" || frame.startsWith("data: "))).toBe(true);
    const plainEvents = await readSSEEvents(new Response(plainText));
    expect(plainEvents.map((event) => (event.data as { choices: unknown[] }).choices.length)).toEqual([
      1, 1, 1, 1,
    ]);

    const withUsage = await readSSEEvents(
      await backend.fetch(chat({ ...hello, stream: true, stream_options: { include_usage: true } })),
    );
    const last = withUsage.at(-1)?.data as { choices: unknown[]; usage: Record<string, unknown> };
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(backend.requests.every((record) => record.completed && !record.aborted)).toBe(true);
  });

  it("breakAfterChunks errors the body after N chunks without [DONE]", async () => {
    const backend = createScriptedBackend();
    backend.enqueue({ text: "abcdefghijkl", breakAfterChunks: 2 });
    const response = await backend.fetch(chat({ ...hello, stream: true }));
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          text += decoder.decode(value);
        }
      })(),
    ).rejects.toThrow(/broken after 2 chunks/);
    expect(parseSSE(text)).toHaveLength(2);
    expect(text).not.toContain("[DONE]");
    expect(backend.requests[0]).toMatchObject({ aborted: false, completed: false });
  });

  it("streams rawChunks verbatim", async () => {
    const backend = createScriptedBackend();
    backend.enqueue({ rawChunks: [{ custom: 1 }, "{broken"] });
    const text = await (await backend.fetch(chat({ ...hello, stream: true }))).text();
    expect(text).toBe('data: {"custom":1}\n\ndata: {broken\n\ndata: [DONE]\n\n');
  });

  it("marks the record aborted when request.signal aborts mid-stream", async () => {
    const backend = createScriptedBackend();
    backend.enqueue({ text: "a".repeat(100), chunkSize: 1, delayMs: 10 });
    const controller = new AbortController();
    const response = await backend.fetch(chat({ ...hello, stream: true }, { signal: controller.signal }));
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
    expect(backend.requests[0]).toMatchObject({ aborted: true, completed: false });
  });

  it("marks the record aborted when aborted during firstByteDelayMs", async () => {
    const backend = createScriptedBackend();
    backend.enqueue({ text: "late", firstByteDelayMs: 5_000 });
    const controller = new AbortController();
    const pending = backend.fetch(chat(hello, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toThrow();
    expect(backend.requests[0]).toMatchObject({ aborted: true, completed: false });
  });

  it("serves the real openai SDK in-process through its fetch option", async () => {
    const backend = createScriptedBackend();
    backend.enqueue(
      { text: "Hi there", usage: { prompt_tokens: 3, completion_tokens: 2 } },
      { text: "streamed", toolCalls: [{ name: "f", arguments: '{"a":1}', id: "call_1" }] },
    );
    const client = new OpenAI({ baseURL: BASE, apiKey: "x", fetch: backend.fetch });
    const completion = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "x" }],
    });
    expect(completion.choices[0]?.message.content).toBe("Hi there");
    expect(completion.usage?.total_tokens).toBe(5);
    const stream = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "x" }],
      stream: true,
    });
    const chunks = await collect(stream);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("streamed");
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
    expect(backend.requests[1]?.headers.authorization).toBe("Bearer x");
  });
});
