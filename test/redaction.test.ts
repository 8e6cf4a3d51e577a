// Redaction everywhere (issue 17): an upstream that echoes its API key in every field it controls
// (error message, code, param, type, `retry-after`, an in-band stream error, a 64 KB message cut so only a
// prefix of the key remains, chat pass-through bodies) never gets the key, or any 8-character piece of
// it, to the client or to the `onError` hook.

import {
  createResponsesHandler,
  openAICompatibleUpstream,
  type ResponsesBridgeError,
  type ResponsesHandlerOptions,
} from "@responses-bridge/core";
import { describe, expect, it } from "vitest";

const KEY = "sk-Zq9XkT4vB7nM2pL8wR3yC6hJ5dF1";

/** Fails when `text` holds the key or any substring of it of 8 characters or more. */
function expectNoKey(text: string, where: string) {
  for (let offset = 0; offset + 8 <= KEY.length; offset++) {
    const piece = KEY.slice(offset, offset + 8);
    if (text.includes(piece)) throw new Error(`${where} leaks '${piece}': ${text.slice(0, 300)}`);
  }
}

type Reply = () => Response;

function setup(reply: Reply, options: Partial<ResponsesHandlerOptions> = {}) {
  const errors: string[] = [];
  const upstream = openAICompatibleUpstream({
    baseURL: "http://upstream.test/v1",
    apiKey: KEY,
    fetch: async () => reply(),
  });
  const handler = createResponsesHandler({
    upstream,
    keepAliveMs: 0,
    onError: (error: ResponsesBridgeError) =>
      errors.push(
        JSON.stringify({
          message: error.message,
          code: error.code,
          param: error.param,
          type: error.type,
          headers: error.headers,
          cause: String((error.cause as Error | undefined)?.message ?? ""),
        }),
      ),
    ...options,
  });
  async function call(path: string, body: unknown) {
    const response = await handler.fetch(
      new Request(`http://bridge.test/v1/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
    const text = await response.text();
    return { status: response.status, text, headers: JSON.stringify([...response.headers]) };
  }
  return { call, errors };
}

const echoJson =
  (status: number, headers: Record<string, string> = {}) =>
  () =>
    new Response(
      JSON.stringify({
        error: { message: `Incorrect API key provided: ${KEY}`, code: KEY, param: KEY, type: KEY },
      }),
      { status, headers: { "content-type": "application/json", ...headers } },
    );

const sse =
  (...events: unknown[]) =>
  () =>
    new Response(
      events
        .map((event) => `data: ${typeof event === "string" ? event : JSON.stringify(event)}\n\n`)
        .join(""),
      {
        headers: { "content-type": "text/event-stream" },
      },
    );

const chunk = (content: string, finish: string | null = null) => ({
  id: "c",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices: [{ index: 0, delta: { content }, finish_reason: finish }],
});

const request = (stream: boolean) => ({ model: "m", input: "hi", stream });

describe("the upstream key never reaches a client or onError", () => {
  it.each([400, 401, 500])(
    "an error body echoing it in message, code, param and type (%i), streamed and not",
    async (status) => {
      for (const stream of [false, true]) {
        const { call, errors } = setup(echoJson(status));
        const answer = await call("responses", request(stream));
        expect(answer.status).toBe(status);
        expectNoKey(answer.text, "client body");
        expectNoKey(answer.headers, "client headers");
        expect(errors).toHaveLength(1);
        expectNoKey(errors.join("\n"), "onError");
      }
    },
  );

  it("a 429 whose retry-after header holds it (HTTP errors and streamErrors: 'events')", async () => {
    for (const streamErrors of ["http", "events"] as const) {
      const { call, errors } = setup(echoJson(429, { "retry-after": KEY }), { streamErrors });
      const answer = await call("responses", request(true));
      expectNoKey(answer.text, "client body");
      expectNoKey(answer.headers, "client headers");
      expectNoKey(errors.join("\n"), "onError");
    }
    const { call } = setup(echoJson(429, { "retry-after": "7" }));
    expect((await call("responses", request(false))).headers).toContain('"retry-after","7"');
  });

  it("a 64 KB message cut so that only a prefix of the key remains", async () => {
    for (const cut of [9, 12, 20]) {
      const text = `${"x".repeat(64 * 1024 - cut)}${KEY}`;
      const { call, errors } = setup(() => new Response(text, { status: 400 }));
      const answer = await call("responses", request(false));
      expect(answer.status).toBe(400);
      expectNoKey(answer.text, `client body (cut ${cut})`);
      expectNoKey(errors.join("\n"), "onError");
    }
  });

  it("an in-band error mid-stream becomes a clean response.failed", async () => {
    const { call, errors } = setup(
      sse(chunk("hel"), { error: { message: `key ${KEY} revoked`, code: KEY } }),
    );
    const answer = await call("responses", request(true));
    expect(answer.text).toContain("response.failed");
    expectNoKey(answer.text, "stream");
    expectNoKey(errors.join("\n"), "onError");
  });

  it("chat pass-through: completions, chunks and errors that echo it", async () => {
    const completion = () =>
      new Response(
        JSON.stringify({
          id: "c",
          object: "chat.completion",
          created: 1,
          model: "m",
          choices: [
            {
              index: 0,
              finish_reason: "stop",
              message: { role: "assistant", content: `your key is ${KEY}` },
            },
          ],
        }),
        { headers: { "content-type": "application/json" } },
      );
    const chat = { model: "m", messages: [{ role: "user", content: "hi" }] };
    for (const reply of [completion, echoJson(401)]) {
      const { call, errors } = setup(reply);
      const answer = await call("chat/completions", chat);
      expectNoKey(answer.text, "chat body");
      expectNoKey(errors.join("\n"), "onError");
    }
    const streamed = setup(
      sse(chunk(`key ${KEY.slice(0, 14)}`), chunk(`${KEY.slice(14)} end`, "stop"), "[DONE]"),
    );
    expectNoKey((await streamed.call("chat/completions", { ...chat, stream: true })).text, "chat stream");
    const failing = setup(sse(chunk("a"), { error: { message: `bad ${KEY}` } }));
    const answer = await failing.call("chat/completions", { ...chat, stream: true });
    expectNoKey(answer.text, "chat stream error");
    expectNoKey(failing.errors.join("\n"), "onError");
  });
});
