// Each backend quirk, replayed from a fixture (one chunk per line, framed as that server frames it)
// through readChatStream and the stream translator, at several byte splits.
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import { readChatStream } from "../stream/read-chat-stream.js";
import { foldChunks, loadChunksFixture, replyFixtureNames, sseBody } from "../testing/fixtures.js";
import {
  checkInvariants,
  expectStreamMatchesNonStreaming,
  joinDeltas,
  runStream,
} from "../testing/reply-harness.js";
import { CODEX_PATCH, codexBindings } from "../testing/reply-scenarios.js";
import type { ResponseObject } from "../types.js";
import type { ReplyOptions } from "./reply/reply-options.js";

async function readFixture(name: string, pieceSize?: number): Promise<ChatCompletionChunk[]> {
  const fixture = loadChunksFixture(name);
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of readChatStream(sseBody(fixture.frames.join(""), pieceSize))) chunks.push(chunk);
  return chunks;
}

interface Expectation {
  options?: ReplyOptions;
  /** Checks on the final Response. */
  check: (final: ResponseObject) => void;
}

const usage = (input: number, output: number, extra: Record<string, unknown> = {}) => ({
  input_tokens: input,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: output,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: input + output,
  ...extra,
});

const expectations: Record<string, Expectation> = {
  "openai-parallel-tool-calls": {
    check: (final) => {
      expect(final.output).toMatchObject([
        { type: "function_call", call_id: "call_Vq1x3", name: "get_weather", arguments: '{"city": "Paris"}' },
        {
          type: "function_call",
          call_id: "call_Ab9z2",
          name: "get_time",
          arguments: '{"tz": "Europe/Paris"}',
        },
      ]);
      expect(final.usage).toEqual(usage(82, 41));
    },
  },
  "openai-several-choices": {
    check: (final) => {
      expect(final.output).toMatchObject([{ type: "message", content: [{ text: "Blue sky." }] }]);
      expect(final.status).toBe("completed");
    },
  },
  "openai-refusal": {
    check: (final) => {
      expect(final.output).toMatchObject([
        { type: "message", content: [{ type: "refusal", refusal: "I'm sorry, I can't help with that." }] },
      ]);
    },
  },
  "ollama-reasoning-tool-call-stop": {
    check: (final) => {
      expect(final.status).toBe("completed");
      expect(final.output).toMatchObject([
        { type: "reasoning", content: [{ text: "The user wants the weather; call get_weather." }] },
        // No id from the backend: a stable one is generated from the response id and the index.
        { type: "function_call", call_id: "call_1_0", name: "get_weather", arguments: '{"city":"Paris"}' },
      ]);
      expect(final.usage).toEqual(usage(140, 31));
    },
  },
  "vllm-reasoning-then-tool-call": {
    check: (final) => {
      expect(final.output).toMatchObject([
        { type: "reasoning", content: [{ text: "I should list the files first." }] },
        { type: "message", content: [{ text: "Let me look." }] },
        {
          type: "function_call",
          call_id: "chatcmpl-tool-4be1c0d2e5f84a7d",
          name: "exec_command",
          arguments: '{"cmd": "ls -la"}',
        },
      ]);
    },
  },
  "llamacpp-think-tags-no-done": {
    check: (final) => {
      expect(final.output).toMatchObject([
        { type: "reasoning", content: [{ text: "The user greets me.\n" }] },
        { type: "message", content: [{ text: "Hello! How can I help?" }] },
      ]);
      expect(final.usage).toEqual(usage(11, 24));
    },
  },
  "llamacpp-tool-calls-without-index": {
    check: (final) => {
      expect(final.output).toMatchObject([
        { type: "function_call", call_id: "call_1_0", name: "read_file", arguments: '{"path": "a.txt"}' },
        { type: "function_call", call_id: "call_1_1", name: "list_dir", arguments: '{"path": "."}' },
      ]);
    },
  },
  "lmstudio-null-and-empty-content": {
    check: (final) => {
      expect(final.output).toMatchObject([{ type: "message", content: [{ text: "Four is the answer." }] }]);
      expect(final.usage).toEqual(usage(20, 5));
    },
  },
  "openrouter-reasoning-details-comments": {
    options: { reasoningSummary: true },
    check: (final) => {
      const reasoning = "Compare 9.11 and 9.8: 9.8 is larger.";
      expect(final.output).toMatchObject([
        {
          type: "reasoning",
          content: [{ text: reasoning }],
          summary: [{ type: "summary_text", text: reasoning }],
        },
        { type: "message", content: [{ text: "9.8 is larger." }] },
      ]);
      expect(final.usage).toEqual(usage(15, 40, { output_tokens_details: { reasoning_tokens: 33 } }));
    },
  },
  "deepseek-keep-alive-reasoning": {
    check: (final) => {
      expect(final.output).toMatchObject([
        { type: "reasoning", content: [{ text: "Two plus two is four." }] },
        { type: "message", content: [{ text: "4." }] },
      ]);
      expect(final.usage).toEqual(usage(9, 20, { output_tokens_details: { reasoning_tokens: 17 } }));
    },
  },
  "groq-x-groq-usage": {
    check: (final) => {
      expect(final.output).toMatchObject([
        { type: "reasoning", content: [{ text: "Need the time." }] },
        { type: "function_call", call_id: "call_8qf2", name: "get_time", arguments: '{"tz":"UTC"}' },
      ]);
      expect(final.usage).toEqual(usage(180, 25));
    },
  },
  "vllm-apply-patch": {
    options: { tools: codexBindings },
    check: (final) => {
      expect(final.output).toEqual([
        {
          id: "ctc_1",
          type: "custom_tool_call",
          status: "completed",
          call_id: "chatcmpl-tool-9d2f",
          name: "apply_patch",
          input: CODEX_PATCH,
        },
      ]);
    },
  },
};

describe("backend fixtures", () => {
  it("has an expectation for every fixture file", () => {
    expect(replyFixtureNames()).toEqual(Object.keys(expectations).sort());
  });

  it.each(Object.entries(expectations))("%s", async (name, expectation) => {
    const fixture = loadChunksFixture(name);
    const whole = await readFixture(name);
    expect(whole).toEqual(fixture.chunks);
    // Whatever the network splits, the same chunks arrive.
    for (const size of [1, 7, 64]) expect(await readFixture(name, size)).toEqual(fixture.chunks);
    const run = await expectStreamMatchesNonStreaming(whole, foldChunks(whole), expectation.options);
    checkInvariants(run.events);
    expectation.check(run.final);
    if (name === "vllm-apply-patch") {
      expect(joinDeltas(run.events, "response.custom_tool_call_input.delta")).toBe(CODEX_PATCH);
    }
  });

  it("reads CRLF-framed fixtures the same", async () => {
    const fixture = loadChunksFixture("deepseek-keep-alive-reasoning", "\r\n");
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of readChatStream(sseBody(fixture.frames.join(""), 5))) chunks.push(chunk);
    expect(chunks).toEqual(fixture.chunks);
    const { final } = await runStream(chunks);
    expect(final.output).toHaveLength(2);
  });
});
