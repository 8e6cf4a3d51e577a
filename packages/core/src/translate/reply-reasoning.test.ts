// Reply side of the Responses surface: reasoning items, whitespace handling and refusals. The fold
// against the non-streaming Response for each item kind is in chat-stream-to-events.test.ts.
import { describe, expect, it } from "vitest";
import { foldChunks } from "../testing/fixtures.js";
import { checkInvariants, nonStreaming, runStream } from "../testing/reply-harness.js";
import { looseChunk, toolCallChunks } from "../testing/reply-scenarios.js";
import { decodeReasoningContent } from "./reasoning-codec.js";

const text = (value: string) => looseChunk({ content: value });
const stop = looseChunk({}, "stop");

describe("reasoning", () => {
  it("becomes a reasoning item before the message, with reasoning_text events", async () => {
    const { events, types, final } = await runStream([
      looseChunk({ role: "assistant", content: "", reasoning_content: "Think" }),
      looseChunk({ reasoning_content: "ing." }),
      text("Answer"),
      stop,
    ]);
    checkInvariants(events);
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.reasoning_text.delta",
      "response.reasoning_text.delta",
      "response.reasoning_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events[2]).toMatchObject({ item: { id: "rs_1", type: "reasoning", summary: [], content: [] } });
    expect(events[3]).toMatchObject({
      item_id: "rs_1",
      content_index: 0,
      part: { type: "reasoning_text", text: "" },
    });
    expect(events[4]).toMatchObject({ item_id: "rs_1", output_index: 0, content_index: 0, delta: "Think" });
    expect(final.output[0]).toEqual({
      id: "rs_1",
      type: "reasoning",
      summary: [],
      content: [{ type: "reasoning_text", text: "Thinking." }],
    });
    expect(final.output[1]).toMatchObject({ type: "message", content: [{ text: "Answer" }] });
  });

  it("also streams the text as summary part 0 when a summary was requested, and encodes it when asked", async () => {
    const { events, types, final } = await runStream(
      [looseChunk({ reasoning: "Plan" }), looseChunk({ reasoning: " it." }), stop],
      { reasoningSummary: true, includeEncryptedReasoning: true },
    );
    checkInvariants(events);
    expect(types.slice(2, -1)).toEqual([
      "response.output_item.added",
      "response.content_part.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_text.done",
      "response.content_part.done",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
    ]);
    expect(events.find((event) => event.type === "response.reasoning_summary_part.added")).toMatchObject({
      item_id: "rs_1",
      output_index: 0,
      summary_index: 0,
      part: { type: "summary_text", text: "" },
    });
    const item = final.output[0] as { summary: unknown; encrypted_content?: string };
    expect(item.summary).toEqual([{ type: "summary_text", text: "Plan it." }]);
    expect(decodeReasoningContent(item.encrypted_content)).toBe("Plan it.");
  });

  it.each([
    ["reasoning_content", { reasoning_content: "r" }],
    ["reasoning", { reasoning: "r" }],
    ["reasoning_details text", { reasoning_details: [{ type: "reasoning.text", text: "r" }] }],
    ["reasoning_details summary", { reasoning_details: [{ type: "reasoning.summary", summary: "r" }] }],
    [
      "reasoning + the same reasoning_details (OpenRouter)",
      { reasoning: "r", reasoning_details: [{ type: "reasoning.text", text: "r" }] },
    ],
    ["Mistral thinking parts", { content: [{ type: "thinking", thinking: [{ type: "text", text: "r" }] }] }],
  ])("is read from %s, once", async (_name, delta) => {
    const { final } = await runStream([looseChunk(delta), stop]);
    expect(final.output).toMatchObject([{ type: "reasoning", content: [{ text: "r" }] }]);
  });

  it("reads a leading <think> block split anywhere, and drops the separator before the answer", async () => {
    const content = "\n<think>\nGreeting.\n</think>\n\nHello <think>literal</think>";
    for (let split = 0; split <= content.length; split++) {
      const { final } = await runStream([text(content.slice(0, split)), text(content.slice(split)), stop]);
      expect(final.output).toMatchObject([
        { type: "reasoning", content: [{ text: "Greeting.\n" }] },
        { type: "message", content: [{ text: "Hello <think>literal</think>" }] },
      ]);
    }
  });

  it("keeps think tags as text with thinkTags: false, and treats an unclosed block as reasoning", async () => {
    const kept = await runStream([text("<think>a</think>b"), stop], { thinkTags: false });
    expect(kept.final.output).toMatchObject([{ type: "message", content: [{ text: "<think>a</think>b" }] }]);
    const cut = await runStream([text("<think>still"), looseChunk({}, "length")]);
    expect(cut.final.output).toMatchObject([{ type: "reasoning", content: [{ text: "still" }] }]);
    expect(cut.final.status).toBe("incomplete");
  });

  it("starts a new reasoning item when reasoning resumes after text", async () => {
    const { events, final } = await runStream([
      looseChunk({ reasoning_content: "one" }),
      text("first"),
      looseChunk({ reasoning_content: "two" }),
      text("second"),
      stop,
    ]);
    checkInvariants(events);
    expect(final.output.map((item) => [item.type, item.id])).toEqual([
      ["reasoning", "rs_1"],
      ["message", "msg_1"],
      ["reasoning", "rs_2"],
      ["message", "msg_2"],
    ]);
  });
});

describe("whitespace-only text", () => {
  it("is dropped before tool calls and kept as the reply when it is all there is", async () => {
    const calls = await runStream([text("\n\n"), ...toolCallChunks(0, "call_a", "f", "{}"), stop]);
    expect(calls.final.output.map((item) => item.type)).toEqual(["function_call"]);
    const only = await runStream([text(" "), stop]);
    expect(only.final.output).toMatchObject([{ type: "message", content: [{ text: " " }] }]);
    const leading = await runStream([text("\n"), text("  Hi"), stop]);
    expect(leading.final.output).toMatchObject([{ type: "message", content: [{ text: "\n  Hi" }] }]);
  });
});

describe("refusals", () => {
  it("stream as a refusal part with refusal delta/done events", async () => {
    const { events, types, final } = await runStream([
      looseChunk({ role: "assistant", content: null, refusal: "" }),
      looseChunk({ refusal: "No" }),
      looseChunk({ refusal: "pe." }),
      stop,
    ]);
    checkInvariants(events);
    expect(types.slice(2, -1)).toEqual([
      "response.output_item.added",
      "response.content_part.added",
      "response.refusal.delta",
      "response.refusal.delta",
      "response.refusal.done",
      "response.content_part.done",
      "response.output_item.done",
    ]);
    expect(events[3]).toMatchObject({ part: { type: "refusal", refusal: "" }, content_index: 0 });
    expect(events.find((event) => event.type === "response.refusal.done")).toMatchObject({
      refusal: "Nope.",
    });
    expect(final.output).toEqual([
      {
        id: "msg_1",
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "refusal", refusal: "Nope." }],
      },
    ]);
  });

  it("come from message.refusal when not streamed", () => {
    const completion = foldChunks([looseChunk({ refusal: "Nope." }), stop]);
    expect(nonStreaming(completion).output).toMatchObject([
      { content: [{ type: "refusal", refusal: "Nope." }] },
    ]);
  });
});
