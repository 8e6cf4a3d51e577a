import { describe, expect, it } from "vitest";
import type { ChatCompletionMessageParam } from "../../types.js";
import { estimateTokens, truncateMessages } from "./truncation.js";

/** A message whose estimate is exactly `tokens` (JSON length / 4). */
function sized(
  role: "system" | "user" | "assistant",
  tokens: number,
  label: string,
): ChatCompletionMessageParam {
  const base = JSON.stringify({ role, content: label }).length;
  const message = { role, content: label + "x".repeat(tokens * 4 - base) } as ChatCompletionMessageParam;
  expect(estimateTokens(message)).toBe(tokens);
  return message;
}
function round(tokens: number, id: string): ChatCompletionMessageParam[] {
  const call: ChatCompletionMessageParam = {
    role: "assistant",
    content: null,
    tool_calls: [{ id, type: "function", function: { name: "f", arguments: "{}" } }],
  };
  // Pad the arguments so each message's estimate is exact (no rounding up).
  const pad = (4 - (JSON.stringify(call).length % 4)) % 4;
  call.tool_calls = [{ id, type: "function", function: { name: "f", arguments: `{}${" ".repeat(pad)}` } }];
  const output: ChatCompletionMessageParam = { role: "tool", tool_call_id: id, content: "" };
  output.content = "o".repeat(tokens * 4 - JSON.stringify(call).length - JSON.stringify(output).length);
  expect(estimateTokens(call) + estimateTokens(output)).toBe(tokens);
  return [call, output];
}
const labels = (messages: ChatCompletionMessageParam[]) =>
  messages.map((message) =>
    message.role === "tool"
      ? `tool:${message.tool_call_id}`
      : message.role === "assistant" && message.tool_calls
        ? `call:${message.tool_calls[0]?.id}`
        : String(message.content).replace(/x+$/, ""),
  );

describe("truncateMessages", () => {
  const system = sized("system", 100, "sys");
  const conversation = [
    system,
    sized("user", 100, "u1"),
    sized("assistant", 100, "a1"),
    sized("user", 100, "u2"),
    ...round(100, "c1"),
    sized("user", 100, "u3"),
    ...round(100, "c2"),
    ...round(100, "c3"),
    ...round(100, "c4"),
  ];

  it("changes nothing when the estimate fits", () => {
    const result = truncateMessages(conversation, { contextWindow: 1000, reservedTokens: 0 });
    expect(result.messages).toBe(conversation);
    expect(result).toMatchObject({ dropped: 0, estimatedBefore: 900, estimatedAfter: 900 });
  });

  it.each<{ rule: string; contextWindow: number; reservedTokens?: number; kept: string[] }>([
    {
      rule: "drops the oldest whole turn first (system messages kept)",
      contextWindow: 750,
      kept: [
        "sys",
        "u2",
        "call:c1",
        "tool:c1",
        "u3",
        "call:c2",
        "tool:c2",
        "call:c3",
        "tool:c3",
        "call:c4",
        "tool:c4",
      ],
    },
    {
      rule: "drops turns until it fits, a call never separated from its output",
      contextWindow: 600,
      kept: ["sys", "u3", "call:c2", "tool:c2", "call:c3", "tool:c3", "call:c4", "tool:c4"],
    },
    {
      rule: "then drops the oldest rounds of the last turn, keeping its user message and last round",
      contextWindow: 450,
      kept: ["sys", "u3", "call:c3", "tool:c3", "call:c4", "tool:c4"],
    },
    {
      rule: "counts reserved tokens (tools, max_output_tokens)",
      contextWindow: 850,
      reservedTokens: 200,
      kept: ["sys", "u3", "call:c2", "tool:c2", "call:c3", "tool:c3", "call:c4", "tool:c4"],
    },
    {
      rule: "keeps the protected messages even when they do not fit",
      contextWindow: 50,
      kept: ["sys", "u3", "call:c4", "tool:c4"],
    },
  ])("$rule", ({ contextWindow, reservedTokens, kept }) => {
    const result = truncateMessages(conversation, { contextWindow, reservedTokens: reservedTokens ?? 0 });
    expect(labels(result.messages)).toEqual(kept);
    expect(result.dropped).toBe(conversation.length - kept.length);
  });

  it("reports the estimate after truncation, above the window when the protected part does not fit", () => {
    expect(truncateMessages(conversation, { contextWindow: 50, reservedTokens: 0 })).toMatchObject({
      estimatedBefore: 900,
      estimatedAfter: 300,
    });
  });

  it("keeps tool output attachments (user messages after tool messages) with their round", () => {
    const [call, output] = round(100, "c1") as [ChatCompletionMessageParam, ChatCompletionMessageParam];
    const attachment: ChatCompletionMessageParam = { role: "user", content: [{ type: "text", text: "img" }] };
    const messages = [sized("user", 100, "u1"), call, output, attachment, ...round(100, "c2")];
    const result = truncateMessages(messages, {
      contextWindow: 300,
      reservedTokens: 0,
      attached: new Set([attachment]),
    });
    expect(labels(result.messages)).toEqual(["u1", "call:c2", "tool:c2"]);
  });

  it("without any user message, drops the oldest rounds but not the last", () => {
    const messages = [...round(100, "c1"), ...round(100, "c2"), ...round(100, "c3")];
    const result = truncateMessages(messages, { contextWindow: 150, reservedTokens: 0 });
    expect(labels(result.messages)).toEqual(["call:c3", "tool:c3"]);
  });
});
