import { describe, expect, it } from "vitest";
import {
  echoScenario,
  renderChatChunks,
  renderChatCompletion,
  splitText,
  usageOf,
} from "./render-scenario.js";
import type { ChatRequestBody } from "./types.js";

let counter = 0;
const render = {
  generateId: (prefix: "chatcmpl" | "call") =>
    prefix === "chatcmpl" ? "chatcmpl-test" : `call_${++counter}`,
  now: () => 1_700_000_000_000,
};

function request(extra: Partial<ChatRequestBody> = {}): ChatRequestBody {
  return { model: "m", messages: [{ role: "user", content: "hi" }], ...extra } as ChatRequestBody;
}

const deltas = (chunks: unknown[]) => chunks.map((chunk: any) => chunk.choices[0]?.delta);

describe("splitText", () => {
  it("splits by code points and never inside a surrogate pair", () => {
    expect(splitText("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
    expect(splitText("a😀b😀", 1)).toEqual(["a", "😀", "b", "😀"]);
    expect(splitText("", 4)).toEqual([]);
    expect(splitText("abc", 0)).toEqual(["a", "b", "c"]);
  });
});

describe("renderChatChunks", () => {
  it("streams text as role chunk, content deltas of chunkSize and a finish chunk", () => {
    const chunks = renderChatChunks({ text: "Hello world" }, request(), render);
    expect(chunks[0]).toEqual({
      id: "chatcmpl-test",
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model: "m",
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }],
    });
    expect(deltas(chunks)).toEqual([
      { role: "assistant", content: "" },
      { content: "Hell" },
      { content: "o wo" },
      { content: "rld" },
      {},
    ]);
    expect(chunks.map((chunk: any) => chunk.choices[0].finish_reason)).toEqual([
      null,
      null,
      null,
      null,
      "stop",
    ]);
    for (const chunk of chunks) expect(chunk).not.toHaveProperty("usage");
  });

  it("sends reasoning_content deltas before content, then refusal", () => {
    const chunks = renderChatChunks(
      { reasoning: "think", text: "ok", refusal: "no", chunkSize: 3, model: "other" },
      request(),
      render,
    );
    expect(deltas(chunks)).toEqual([
      { role: "assistant", content: "" },
      { reasoning_content: "thi" },
      { reasoning_content: "nk" },
      { content: "ok" },
      { refusal: "no" },
      {},
    ]);
    expect(chunks.every((chunk) => (chunk as { model: string }).model === "other")).toBe(true);
  });

  it("streams parallel tool calls one after another, id/type/name only in the first delta", () => {
    counter = 0;
    const chunks = renderChatChunks(
      {
        text: "Checking.",
        chunkSize: 5,
        toolCalls: [
          { name: "weather", arguments: '{"city":"Oslo"}' },
          { name: "time", arguments: "{}", id: "call_fixed" },
        ],
      },
      request(),
      render,
    );
    expect(deltas(chunks)).toEqual([
      { role: "assistant", content: "" },
      { content: "Check" },
      { content: "ing." },
      {
        tool_calls: [
          { index: 0, id: "call_1", type: "function", function: { name: "weather", arguments: "" } },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"cit' } }] },
      { tool_calls: [{ index: 0, function: { arguments: 'y":"O' } }] },
      { tool_calls: [{ index: 0, function: { arguments: 'slo"}' } }] },
      {
        tool_calls: [
          { index: 1, id: "call_fixed", type: "function", function: { name: "time", arguments: "" } },
        ],
      },
      { tool_calls: [{ index: 1, function: { arguments: "{}" } }] },
      {},
    ]);
    expect((chunks.at(-1) as { choices: [{ finish_reason: string }] }).choices[0].finish_reason).toBe(
      "tool_calls",
    );
  });

  it("interleaves tool-call deltas round-robin by index", () => {
    const chunks = renderChatChunks(
      {
        chunkSize: 2,
        interleaveToolCalls: true,
        toolCalls: [
          { name: "a", arguments: "{}", id: "call_a" },
          { name: "b", arguments: '{"x":1}', id: "call_b" },
        ],
      },
      request(),
      render,
    );
    const calls = deltas(chunks)
      .slice(1, -1)
      .map((delta: any) => [
        delta.tool_calls[0].index,
        delta.tool_calls[0].id ?? null,
        delta.tool_calls[0].function,
      ]);
    expect(calls).toEqual([
      [0, "call_a", { name: "a", arguments: "" }],
      [1, "call_b", { name: "b", arguments: "" }],
      [0, null, { arguments: "{}" }],
      [1, null, { arguments: '{"' }],
      [1, null, { arguments: 'x"' }],
      [1, null, { arguments: ":1" }],
      [1, null, { arguments: "}" }],
    ]);
  });

  it("adds usage: null to every chunk and a final usage chunk with empty choices when include_usage is set", () => {
    const body = request({ stream: true, stream_options: { include_usage: true } });
    const chunks = renderChatChunks(
      {
        text: "hi",
        usage: { prompt_tokens: 10, completion_tokens: 3, cached_tokens: 4, reasoning_tokens: 1 },
      },
      body,
      render,
    );
    const last = chunks.at(-1);
    expect(last).toEqual({
      id: "chatcmpl-test",
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model: "m",
      choices: [],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 3,
        total_tokens: 13,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 1 },
      },
    });
    for (const chunk of chunks.slice(0, -1)) expect(chunk).toHaveProperty("usage", null);
  });

  it("sends no usage chunk when include_usage is false or usage is null", () => {
    const withoutOption = renderChatChunks({ text: "hi" }, request({ stream: true }), render);
    const explicitFalse = renderChatChunks(
      { text: "hi" },
      request({ stream: true, stream_options: { include_usage: false } }),
      render,
    );
    const usageNull = renderChatChunks(
      { text: "hi", usage: null },
      request({ stream: true, stream_options: { include_usage: true } }),
      render,
    );
    for (const chunks of [withoutOption, explicitFalse, usageNull]) {
      expect(chunks.filter((chunk: any) => chunk.choices.length === 0)).toEqual([]);
      expect(chunks.some((chunk: any) => chunk.usage)).toBe(false);
    }
  });

  it("returns rawChunks verbatim", () => {
    const raw = [{ weird: true }, "not json"];
    expect(renderChatChunks({ rawChunks: raw, text: "ignored" }, request(), render)).toEqual(raw);
  });
});

describe("renderChatCompletion", () => {
  it("renders text with usage", () => {
    const completion = renderChatCompletion(
      { text: "Hi", reasoning: "hmm", usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 9 } },
      request(),
      render,
    );
    expect(completion).toEqual({
      id: "chatcmpl-test",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "m",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "Hi",
            refusal: null,
            annotations: [],
            reasoning_content: "hmm",
          },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: {
        prompt_tokens: 5,
        completion_tokens: 2,
        total_tokens: 9,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
  });

  it("renders tool calls with null content, finish_reason tool_calls and no usage when null", () => {
    const completion = renderChatCompletion(
      { toolCalls: [{ name: "f", arguments: '{"a":1}', id: "call_x" }], usage: null },
      request(),
      render,
    );
    expect(completion.choices[0]?.message).toEqual({
      role: "assistant",
      content: null,
      refusal: null,
      annotations: [],
      tool_calls: [{ id: "call_x", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
    });
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(completion).not.toHaveProperty("usage");
  });

  it("honours an explicit finishReason and generates call_ ids by default", () => {
    const completion = renderChatCompletion(
      { text: "cut", finishReason: "length", toolCalls: [{ name: "f", arguments: "{}" }] },
      request(),
    );
    expect(completion.choices[0]?.finish_reason).toBe("length");
    expect(completion.id).toMatch(/^chatcmpl-[A-Za-z0-9]{20,}$/);
    expect(completion.choices[0]?.message.tool_calls?.[0]?.id).toMatch(/^call_[A-Za-z0-9]{20,}$/);
  });
});

describe("defaults", () => {
  it("computes rough usage counts", () => {
    const usage = usageOf({ text: "12345678", reasoning: "abcd" }, request());
    expect(usage).toMatchObject({ completion_tokens: 3, completion_tokens_details: { reasoning_tokens: 1 } });
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + 3);
  });

  it("echoes the last user message, flattening text parts", () => {
    const body = request({
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: "x" },
        {
          role: "user",
          content: [
            { type: "text", text: "second " },
            { type: "text", text: "part" },
          ],
        },
      ],
    });
    expect(echoScenario(body)).toEqual({ text: "You said: second part" });
  });
});
