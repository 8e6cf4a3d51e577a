import { createScriptedBackend, readSSEEvents } from "@responses-bridge/testkit";
import { describe, expect, it } from "vitest";
import { createResponsesHandler, type ResponsesHandlerOptions } from "./create-responses-handler.js";
import type { ResponsesBridgeError } from "./errors.js";
import type { ResponseStore, TranslationWarning } from "./types.js";
import { openAICompatibleUpstream } from "./upstream/openai-compatible-upstream.js";

function setup(options: Partial<ResponsesHandlerOptions> = {}) {
  const backend = createScriptedBackend();
  const handler = createResponsesHandler({
    upstream: openAICompatibleUpstream({ baseURL: "http://scripted.test/v1", fetch: backend.fetch }),
    ...options,
  });
  const post = (body: unknown, init: RequestInit = {}) =>
    handler.fetch(
      new Request("http://bridge.test/v1/responses", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body:
          typeof body === "string" || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
        ...init,
      }),
    );
  return { backend, handler, post };
}

async function errorOf(response: Response) {
  const body = (await response.json()) as {
    error: { message: string; type: string; param: string | null; code: string | null };
  };
  return { status: response.status, ...body.error };
}

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe("createResponsesHandler", () => {
  it("requires an upstream", () => {
    expect(() => createResponsesHandler({} as ResponsesHandlerOptions)).toThrow(/upstream/);
  });

  it("answers background with store: false, and conversation on a store without conversations, with a 400 naming the parameter", async () => {
    const { post, backend } = setup();
    expect(
      await errorOf(await post({ model: "m", input: "x", background: true, store: false })),
    ).toMatchObject({
      status: 400,
      type: "invalid_request_error",
      param: "store",
    });
    const plain = setup({
      store: { get: async () => undefined, put: async () => {}, delete: async () => false },
    });
    expect(await errorOf(await plain.post({ model: "m", input: "x", conversation: "conv_1" }))).toMatchObject(
      {
        status: 400,
        type: "invalid_request_error",
        param: "conversation",
      },
    );
    expect(backend.requests).toHaveLength(0);
    expect(plain.backend.requests).toHaveLength(0);
  });

  it("answers unknown routes with 404 and wrong methods with 405, OpenAI-shaped", async () => {
    const { handler } = setup();
    expect(await errorOf(await handler.fetch(new Request("http://bridge.test/v1/nothing")))).toMatchObject({
      status: 404,
    });
    expect(await errorOf(await handler.fetch(new Request("http://bridge.test/v1/responses")))).toMatchObject({
      status: 405,
    });
    expect(
      await errorOf(
        await handler.fetch(
          new Request("http://bridge.test/v1/responses/resp_x", { method: "PUT", body: "{}" }),
        ),
      ),
    ).toMatchObject({ status: 405 });
  });

  it("serves under any prefix and sets x-request-id", async () => {
    const { handler, backend } = setup();
    backend.enqueue({ text: "ok" });
    const response = await handler.fetch(
      new Request("http://bridge.test/api/openai/v1/responses", {
        method: "POST",
        body: JSON.stringify({ model: "m", input: "x" }),
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("enforces maxBodyBytes with a 413, also on compressed bodies", async () => {
    const { post, backend } = setup({ maxBodyBytes: 1000 });
    const big = JSON.stringify({ model: "m", input: "x".repeat(2000) });
    expect(await errorOf(await post(big))).toMatchObject({ status: 413, type: "invalid_request_error" });
    const bomb = await gzip(big);
    expect(bomb.byteLength).toBeLessThan(1000);
    expect(await errorOf(await post(bomb, { headers: { "content-encoding": "gzip" } }))).toMatchObject({
      status: 413,
    });
    expect(backend.requests).toHaveLength(0);
  });

  it("accepts gzip request bodies and rejects unsupported encodings with 415", async () => {
    const { post, backend } = setup();
    backend.enqueue({ text: "unzipped" });
    const ok = await post(await gzip(JSON.stringify({ model: "m", input: "zipped" })), {
      headers: { "content-encoding": "gzip" },
    });
    expect(ok.status).toBe(200);
    expect(backend.requests.at(-1)?.body?.messages).toEqual([{ role: "user", content: "zipped" }]);
    expect(await errorOf(await post("{}", { headers: { "content-encoding": "br" } }))).toMatchObject({
      status: 415,
    });
    expect(await errorOf(await post("not gzip", { headers: { "content-encoding": "gzip" } }))).toMatchObject({
      status: 400,
    });
  });

  it("rewrites the model with the model option and echoes the requested one", async () => {
    const { post, backend } = setup({ model: (requested) => `local-${requested}` });
    backend.enqueue({ text: "ok" });
    const body = (await (await post({ model: "gpt-x", input: "x" })).json()) as { model: string };
    expect(backend.requests.at(-1)?.body?.model).toBe("local-gpt-x");
    expect(body.model).toBe("gpt-x");
  });

  it("reports dropped hosted tools through onWarning", async () => {
    const warnings: TranslationWarning[] = [];
    const { post, backend } = setup({ onWarning: (warning) => warnings.push(warning) });
    backend.enqueue({ text: "ok" });
    const response = await post({ model: "m", input: "x", tools: [{ type: "web_search" }] });
    expect(response.status).toBe(200);
    expect(warnings).toEqual([expect.objectContaining({ code: "unsupported_tool", param: "tools.0" })]);
    expect(backend.requests.at(-1)?.body?.tools).toBeUndefined();
  });

  it("still answers when the store fails, and reports the failure", async () => {
    const errors: ResponsesBridgeError[] = [];
    const failing: ResponseStore = {
      get: async () => undefined,
      put: async () => {
        throw new Error("disk full");
      },
      delete: async () => false,
    };
    const { post, backend } = setup({ store: failing, onError: (error) => errors.push(error) });
    backend.enqueue({ text: "still here" }, { text: "streamed anyway" });
    expect((await post({ model: "m", input: "x" })).status).toBe(200);
    const events = await readSSEEvents(await post({ model: "m", input: "x", stream: true }));
    expect(events.at(-1)?.data).toMatchObject({ type: "response.completed" });
    expect(errors).toHaveLength(2);
    expect(errors[0]?.cause).toBeInstanceOf(Error);
  });

  it("returns usage: null when the upstream reports none", async () => {
    const { post, backend } = setup();
    backend.enqueue({ text: "no usage", usage: null });
    const body = (await (await post({ model: "m", input: "x" })).json()) as { usage: unknown };
    expect(body.usage).toBeNull();
  });

  it("uses the injected id generator and clock", async () => {
    let counter = 0;
    const { post, backend } = setup({
      generateId: (prefix) => `${prefix}_${++counter}`,
      now: () => 1_700_000_000_000,
    });
    backend.enqueue({ text: "hi" });
    const body = (await (await post({ model: "m", input: "x" })).json()) as Record<string, unknown>;
    expect(body.id).toMatch(/^resp_\d+$/);
    expect(body.created_at).toBe(1_700_000_000);
    expect(body.completed_at).toBe(1_700_000_000);
  });
});
