import { describe, expect, it } from "vitest";
import { ResponsesBridgeError } from "../errors.js";
import type { ChatCompletionMessageParam, ResponseInputItem } from "../types.js";
import { type ConvertInputOptions, convertInputToMessages, normalizeInput } from "./input-to-messages.js";

/** Input items as clients send them: loosely typed JSON. */
type Items = unknown[];

function convert(items: Items, options?: ConvertInputOptions) {
  return convertInputToMessages(items as ResponseInputItem[], options);
}

function rejection(items: Items) {
  try {
    convert(items);
  } catch (error) {
    if (!ResponsesBridgeError.isInstance(error)) throw error;
    return { status: error.status, param: error.param, code: error.code, message: error.message };
  }
  throw new Error("expected the items to be rejected");
}

const call = (callId: string, name = "get_weather", args = '{"city":"Paris"}') => ({
  type: "function_call",
  call_id: callId,
  name,
  arguments: args,
});
const toolCall = (callId: string, name = "get_weather", args = '{"city":"Paris"}') => ({
  id: callId,
  type: "function" as const,
  function: { name, arguments: args },
});
const output = (callId: string, out: unknown = "sunny") => ({
  type: "function_call_output",
  call_id: callId,
  output: out,
});

describe("normalizeInput", () => {
  it("turns a string into one user message item", () => {
    expect(normalizeInput("hi")).toEqual([{ type: "message", role: "user", content: "hi" }]);
  });

  it("turns a missing input into no items", () => {
    expect(normalizeInput(undefined)).toEqual([]);
  });

  it("returns an array of items as it is", () => {
    const items: ResponseInputItem[] = [{ role: "user", content: "hi" }];
    expect(normalizeInput(items)).toBe(items);
  });
});

describe("convertInputToMessages", () => {
  it.each<{
    rule: string;
    items: Items;
    options?: ConvertInputOptions;
    messages: ChatCompletionMessageParam[];
  }>([
    {
      rule: "user message with string content -> user message",
      items: [{ type: "message", role: "user", content: "hi" }],
      messages: [{ role: "user", content: "hi" }],
    },
    {
      rule: "message without `type` (EasyInputMessage) -> message",
      items: [{ role: "user", content: "hi" }],
      messages: [{ role: "user", content: "hi" }],
    },
    {
      rule: "user input_text parts -> one string, parts joined by a blank line",
      items: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "a" },
            { type: "input_text", text: "b" },
          ],
        },
      ],
      messages: [{ role: "user", content: "a\n\nb" }],
    },
    {
      rule: "system message -> system message",
      items: [{ role: "system", content: [{ type: "input_text", text: "rules" }] }],
      messages: [{ role: "system", content: "rules" }],
    },
    {
      rule: "developer message -> system message (default)",
      items: [{ role: "developer", content: "rules" }],
      messages: [{ role: "system", content: "rules" }],
    },
    {
      rule: "developer message -> developer message (developerRole)",
      items: [{ role: "developer", content: "rules" }],
      options: { developerRole: true },
      messages: [{ role: "developer", content: "rules" }],
    },
    {
      rule: "assistant output_text parts -> assistant message with string content",
      items: [
        {
          role: "assistant",
          content: [
            { type: "output_text", text: "a" },
            { type: "output_text", text: "b" },
          ],
        },
      ],
      messages: [{ role: "assistant", content: "a\n\nb" }],
    },
    {
      rule: "assistant refusal part -> assistant text",
      items: [{ role: "assistant", content: [{ type: "refusal", refusal: "I can't help with that." }] }],
      messages: [{ role: "assistant", content: "I can't help with that." }],
    },
    {
      rule: "stored output message (id, status, annotations, logprobs) -> assistant message",
      items: [
        {
          type: "message",
          id: "msg_1",
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: "Hello!", annotations: [], logprobs: [] }],
        },
      ],
      messages: [{ role: "assistant", content: "Hello!" }],
    },
    {
      rule: "function_call -> assistant message with tool_calls (id = call_id)",
      items: [call("call_1"), output("call_1")],
      messages: [
        { role: "assistant", content: null, tool_calls: [toolCall("call_1")] },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
    },
    {
      rule: "function_call with empty arguments -> arguments '{}'",
      items: [call("call_1", "now", ""), output("call_1")],
      messages: [
        { role: "assistant", content: null, tool_calls: [toolCall("call_1", "now", "{}")] },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
    },
    {
      rule: "consecutive function_calls (parallel) -> ONE assistant message",
      items: [call("call_1"), call("call_2", "get_time", "{}"), output("call_1"), output("call_2", "noon")],
      messages: [
        {
          role: "assistant",
          content: null,
          tool_calls: [toolCall("call_1"), toolCall("call_2", "get_time", "{}")],
        },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
        { role: "tool", tool_call_id: "call_2", content: "noon" },
      ],
    },
    {
      rule: "assistant text before function_calls -> ONE assistant message with content and tool_calls",
      items: [
        { role: "assistant", content: "Let me check." },
        call("call_1"),
        call("call_2"),
        output("call_1"),
      ],
      messages: [
        { role: "assistant", content: "Let me check.", tool_calls: [toolCall("call_1"), toolCall("call_2")] },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
    },
    {
      rule: "assistant message replayed between a call and its output -> merged into the call's message",
      items: [call("call_1"), { role: "assistant", content: "Checking..." }, output("call_1")],
      messages: [
        { role: "assistant", content: "Checking...", tool_calls: [toolCall("call_1")] },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
    },
    {
      rule: "consecutive assistant messages -> ONE assistant message, texts joined by a blank line",
      items: [
        { role: "assistant", content: "a" },
        { role: "assistant", content: "b" },
      ],
      messages: [{ role: "assistant", content: "a\n\nb" }],
    },
    {
      rule: "calls of different turns (separated by their outputs) -> separate assistant messages",
      items: [call("call_1"), output("call_1"), call("call_2"), output("call_2", "rainy")],
      messages: [
        { role: "assistant", content: null, tool_calls: [toolCall("call_1")] },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
        { role: "assistant", content: null, tool_calls: [toolCall("call_2")] },
        { role: "tool", tool_call_id: "call_2", content: "rainy" },
      ],
    },
    {
      rule: "function_call_output with content parts -> tool message with the text joined",
      items: [
        call("call_1"),
        output("call_1", [
          { type: "input_text", text: "line 1" },
          { type: "input_text", text: "line 2" },
        ]),
      ],
      messages: [
        { role: "assistant", content: null, tool_calls: [toolCall("call_1")] },
        { role: "tool", tool_call_id: "call_1", content: "line 1\n\nline 2" },
      ],
    },
    {
      rule: "outputs are matched by call_id, in the order given",
      items: [call("call_a"), call("call_b"), output("call_b", "B"), output("call_a", "A")],
      messages: [
        { role: "assistant", content: null, tool_calls: [toolCall("call_a"), toolCall("call_b")] },
        { role: "tool", tool_call_id: "call_b", content: "B" },
        { role: "tool", tool_call_id: "call_a", content: "A" },
      ],
    },
    {
      rule: "item ids and statuses (Codex, Agents SDK) are ignored",
      items: [
        { type: "message", id: "msg_x", role: "user", content: [{ type: "input_text", text: "hi" }] },
        { ...call("call_1"), id: "fc_x", status: "completed" },
        { ...output("call_1"), id: "fco_x", status: "completed" },
      ],
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: null, tool_calls: [toolCall("call_1")] },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
    },
    {
      rule: "a user message closes the assistant turn",
      items: [
        { role: "assistant", content: "a" },
        { role: "user", content: "b" },
        { role: "assistant", content: "c" },
      ],
      messages: [
        { role: "assistant", content: "a" },
        { role: "user", content: "b" },
        { role: "assistant", content: "c" },
      ],
    },
    {
      rule: "an empty parts list -> empty string content",
      items: [{ role: "user", content: [] }],
      messages: [{ role: "user", content: "" }],
    },
  ])("$rule", ({ items, options, messages }) => {
    expect(convert(items, options)).toEqual(messages);
  });

  it.each<{ rule: string; items: Items; param: string; code: string; message: string }>([
    {
      rule: "a function_call_output whose call is not in the input",
      items: [{ role: "user", content: "hi" }, output("call_missing")],
      param: "input.1.call_id",
      code: "invalid_value",
      message: "No tool call found for function call output with call_id 'call_missing'.",
    },
    {
      rule: "a function_call_output before its call",
      items: [output("call_1"), call("call_1")],
      param: "input.0.call_id",
      code: "invalid_value",
      message: "No tool call found for function call output with call_id 'call_1'.",
    },
    ...["reasoning", "custom_tool_call", "item_reference", "compaction"].map((type) => ({
      rule: `an item of type ${type} (not supported yet)`,
      items: [{ role: "user", content: "hi" }, { type }],
      param: "input.1.type",
      code: "unsupported_value",
      message: `Input item type '${type}' is not supported yet.`,
    })),
    {
      rule: "an input_image part (not supported yet)",
      items: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "what is this?" },
            { type: "input_image", image_url: "https://example.com/a.png" },
          ],
        },
      ],
      param: "input.0.content.1.type",
      code: "unsupported_value",
      message: "Content part type 'input_image' is not supported yet.",
    },
    {
      rule: "an input_file part in a function_call_output (not supported yet)",
      items: [call("call_1"), output("call_1", [{ type: "input_file", file_id: "file_1" }])],
      param: "input.1.output.0.type",
      code: "unsupported_value",
      message: "Content part type 'input_file' is not supported yet.",
    },
  ])("rejects $rule", ({ items, param, code, message }) => {
    expect(rejection(items)).toEqual({ status: 400, param, code, message });
  });

  it("does not modify the items it converts", () => {
    const items = [{ role: "assistant", content: "a" }, call("call_1"), output("call_1")];
    const copy = structuredClone(items);
    convert(items);
    expect(items).toEqual(copy);
  });
});
