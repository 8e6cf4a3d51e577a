import { describe, expect, it } from "vitest";
import { ResponsesBridgeError } from "../errors.js";
import type { ChatCompletionMessageParam, ResponseInputItem, TranslationWarning } from "../types.js";
import { convertInputToMessages, normalizeInput } from "./input-to-messages.js";
import { encodeReasoningContent } from "./reasoning-codec.js";
import type { ConvertInputOptions } from "./request/input-conversion.js";

/** Input items as clients send them: loosely typed JSON. */
type Items = unknown[];

function convert(items: Items, options?: ConvertInputOptions) {
  return convertInputToMessages(items as ResponseInputItem[], options);
}

function rejection(items: Items, options?: ConvertInputOptions) {
  try {
    convert(items, options);
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
const patch = "*** Begin Patch\n*** Update File: a.txt\n@@\n-before\n+after\n*** End Patch\n";
const customCall = (callId: string, input = patch, name = "apply_patch") => ({
  type: "custom_tool_call",
  call_id: callId,
  name,
  input,
});
const customOutput = (callId: string, out: unknown = "Done") => ({
  type: "custom_tool_call_output",
  call_id: callId,
  output: out,
});
const reasoning = (fields: Record<string, unknown>) => ({ type: "reasoning", id: "rs_1", ...fields });
const user = { role: "user" as const, content: "hi" };
const image = { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" };
const chatImage = {
  type: "image_url",
  image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" },
};

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
    // Namespaced calls
    {
      rule: "function_call with a namespace -> the flattened name <namespace>__<name>",
      items: [
        { ...call("call_1", "spawn_agent", "{}"), namespace: "multi_agent_v1" },
        output("call_1", "ok"),
      ],
      messages: [
        {
          role: "assistant",
          content: null,
          tool_calls: [toolCall("call_1", "multi_agent_v1__spawn_agent", "{}")],
        },
        { role: "tool", tool_call_id: "call_1", content: "ok" },
      ],
    },
    // Custom tool calls
    {
      rule: "custom_tool_call -> function tool call with arguments JSON.stringify({input}); output -> tool message",
      items: [customCall("call_p"), customOutput("call_p")],
      messages: [
        {
          role: "assistant",
          content: null,
          tool_calls: [toolCall("call_p", "apply_patch", JSON.stringify({ input: patch }))],
        },
        { role: "tool", tool_call_id: "call_p", content: "Done" },
      ],
    },
    {
      rule: "custom_tool_call -> native custom tool call {type: 'custom', custom: {name, input}} (customTools)",
      items: [customCall("call_p"), customOutput("call_p")],
      options: { customTools: true },
      messages: [
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_p", type: "custom", custom: { name: "apply_patch", input: patch } }],
        },
        { role: "tool", tool_call_id: "call_p", content: "Done" },
      ],
    },
    {
      rule: "custom_tool_call with a namespace -> the flattened name (Codex code mode `functions.exec`)",
      items: [
        { ...customCall("call_e", "text('hi')", "exec"), namespace: "functions" },
        customOutput("call_e"),
      ],
      messages: [
        {
          role: "assistant",
          content: null,
          tool_calls: [toolCall("call_e", "functions__exec", JSON.stringify({ input: "text('hi')" }))],
        },
        { role: "tool", tool_call_id: "call_e", content: "Done" },
      ],
    },
    {
      rule: "function_call and custom_tool_call of one turn -> ONE assistant message",
      items: [call("call_1"), customCall("call_2"), output("call_1"), customOutput("call_2")],
      messages: [
        {
          role: "assistant",
          content: null,
          tool_calls: [
            toolCall("call_1"),
            toolCall("call_2", "apply_patch", JSON.stringify({ input: patch })),
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
        { role: "tool", tool_call_id: "call_2", content: "Done" },
      ],
    },
    // Local shell
    {
      rule: "local_shell_call -> local_shell tool call {command, workdir, timeout_ms, env}; output by id -> tool message",
      items: [
        {
          type: "local_shell_call",
          id: "lsh_1",
          call_id: "call_s",
          status: "completed",
          action: {
            type: "exec",
            command: ["bash", "-lc", "ls"],
            working_directory: "/tmp",
            timeout_ms: 1000,
            env: { A: "1" },
            user: null,
          },
        },
        { type: "local_shell_call_output", id: "call_s", output: "a.txt" },
      ],
      messages: [
        {
          role: "assistant",
          content: null,
          tool_calls: [
            toolCall(
              "call_s",
              "local_shell",
              '{"command":["bash","-lc","ls"],"workdir":"/tmp","timeout_ms":1000,"env":{"A":"1"}}',
            ),
          ],
        },
        { role: "tool", tool_call_id: "call_s", content: "a.txt" },
      ],
    },
    {
      rule: "local_shell_call without optional action fields; output naming the call item id or call_id",
      items: [
        {
          type: "local_shell_call",
          id: "lsh_1",
          call_id: "call_s",
          action: { type: "exec", command: ["ls"], env: {}, timeout_ms: null, working_directory: null },
        },
        { type: "local_shell_call_output", id: "lsh_1", output: "one" },
        { type: "local_shell_call_output", call_id: "call_s", output: "two" },
      ],
      messages: [
        {
          role: "assistant",
          content: null,
          tool_calls: [toolCall("call_s", "local_shell", '{"command":["ls"]}')],
        },
        { role: "tool", tool_call_id: "call_s", content: "one" },
        { role: "tool", tool_call_id: "call_s", content: "two" },
      ],
    },
    // Reasoning
    ...[
      { summary: [{ type: "summary_text", text: "s" }] },
      { summary: [], content: [{ type: "reasoning_text", text: "r" }] },
      { summary: [], encrypted_content: "gAAAAB-opaque" },
      { summary: [], content: null, encrypted_content: null },
      { content: [{ type: "reasoning_text", text: "r" }], encrypted_content: "rb1.eA" },
    ].map((fields) => ({
      rule: `reasoning ${JSON.stringify(fields)} -> left out (default)`,
      items: [user, reasoning(fields), { role: "assistant", content: "answer" }],
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "answer" },
      ] as ChatCompletionMessageParam[],
    })),
    {
      rule: "reasoning content -> reasoning_content on the next assistant message (replayReasoning)",
      items: [
        user,
        reasoning({
          summary: [{ type: "summary_text", text: "summary" }],
          content: [{ type: "reasoning_text", text: "raw" }],
          encrypted_content: null,
        }),
        call("call_1"),
        output("call_1"),
      ],
      options: { replayReasoning: true },
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: null, reasoning_content: "raw", tool_calls: [toolCall("call_1")] },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ] as ChatCompletionMessageParam[],
    },
    {
      rule: "reasoning summary only -> the summary texts joined (replayReasoning, reasoningField 'reasoning')",
      items: [
        user,
        reasoning({
          summary: [
            { type: "summary_text", text: "a" },
            { type: "summary_text", text: "b" },
          ],
        }),
        { role: "assistant", content: "answer" },
      ],
      options: { replayReasoning: true, reasoningField: "reasoning" },
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "answer", reasoning: "a\n\nb" },
      ] as ChatCompletionMessageParam[],
    },
    {
      rule: "reasoning with only the bridge's encrypted_content -> the decoded text (replayReasoning)",
      items: [
        user,
        reasoning({ summary: [], encrypted_content: encodeReasoningContent("thought") }),
        call("call_1"),
      ],
      options: { replayReasoning: true },
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: null, reasoning_content: "thought", tool_calls: [toolCall("call_1")] },
      ] as ChatCompletionMessageParam[],
    },
    {
      rule: "reasoning with OpenAI's encrypted_content only, or nothing -> nothing replayed",
      items: [
        user,
        reasoning({ summary: [], encrypted_content: "gAAAAB-opaque" }),
        reasoning({ summary: [], content: null, encrypted_content: null }),
        { role: "assistant", content: "answer" },
      ],
      options: { replayReasoning: true },
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "answer" },
      ],
    },
    {
      rule: "reasoning inside one assistant turn (before its second call) -> joined on that turn's message",
      items: [
        user,
        reasoning({ summary: [{ type: "summary_text", text: "first" }] }),
        call("call_1"),
        reasoning({ summary: [{ type: "summary_text", text: "second" }] }),
        call("call_2"),
      ],
      options: { replayReasoning: true },
      messages: [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          content: null,
          reasoning_content: "first\n\nsecond",
          tool_calls: [toolCall("call_1"), toolCall("call_2")],
        },
      ] as ChatCompletionMessageParam[],
    },
    {
      rule: "reasoning followed by a user message -> dropped (no answer to go with)",
      items: [
        reasoning({ summary: [{ type: "summary_text", text: "s" }] }),
        user,
        { role: "assistant", content: "a" },
      ],
      options: { replayReasoning: true },
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "a" },
      ],
    },
    // Item references
    {
      rule: "item_reference -> the referenced item, converted in its place (typed and short form)",
      items: [user, { type: "item_reference", id: "msg_a" }, { id: "fc_1" }, output("call_1")],
      options: {
        referencedItems: new Map<string, ResponseInputItem>([
          [
            "msg_a",
            {
              type: "message",
              id: "msg_a",
              role: "assistant",
              status: "completed",
              content: [{ type: "output_text", text: "Checking.", annotations: [] }],
            },
          ],
          ["fc_1", { ...call("call_1"), id: "fc_1" } as ResponseInputItem],
        ]),
      },
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "Checking.", tool_calls: [toolCall("call_1")] },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
    },
    {
      rule: "item_reference resolving to another reference -> followed",
      items: [{ type: "item_reference", id: "a" }],
      options: {
        referencedItems: new Map<string, ResponseInputItem>([
          ["a", { type: "item_reference", id: "b" }],
          ["b", { role: "user", content: "deep" }],
        ]),
      },
      messages: [{ role: "user", content: "deep" }],
    },
    // Multimodal
    {
      rule: "user message with an image -> content parts [text, image_url]",
      items: [{ role: "user", content: [{ type: "input_text", text: "what is this?" }, image] }],
      messages: [
        {
          role: "user",
          content: [{ type: "text", text: "what is this?" }, chatImage],
        },
      ] as ChatCompletionMessageParam[],
    },
    {
      rule: "function_call_output with an image -> tool message text + a user message with the image",
      items: [call("call_1"), output("call_1", [{ type: "input_text", text: "screenshot taken" }, image])],
      messages: [
        { role: "assistant", content: null, tool_calls: [toolCall("call_1")] },
        { role: "tool", tool_call_id: "call_1", content: "screenshot taken" },
        {
          role: "user",
          content: [{ type: "text", text: "Images and files returned by tool call call_1:" }, chatImage],
        },
      ] as ChatCompletionMessageParam[],
    },
    {
      rule: "parallel outputs with images -> all tool messages first, then ONE user message with the images",
      items: [
        call("call_1"),
        call("call_2"),
        output("call_1", [image]),
        output("call_2", [image]),
        { role: "user", content: "thanks" },
      ],
      messages: [
        { role: "assistant", content: null, tool_calls: [toolCall("call_1"), toolCall("call_2")] },
        { role: "tool", tool_call_id: "call_1", content: "(The output is attached in the next message.)" },
        { role: "tool", tool_call_id: "call_2", content: "(The output is attached in the next message.)" },
        {
          role: "user",
          content: [
            { type: "text", text: "Images and files returned by tool call call_1:" },
            chatImage,
            { type: "text", text: "Images and files returned by tool call call_2:" },
            chatImage,
          ],
        },
        { role: "user", content: "thanks" },
      ] as ChatCompletionMessageParam[],
    },
    // Orphan outputs (synthesize)
    {
      rule: "orphan function_call_output -> synthesized call to the only function tool (orphanToolOutputs: synthesize)",
      items: [user, output("call_9", "late")],
      options: { orphanToolOutputs: "synthesize" },
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: null, tool_calls: [toolCall("call_9", "unknown_tool", "{}")] },
        { role: "tool", tool_call_id: "call_9", content: "late" },
      ],
    },
    {
      rule: "orphan output next to a known call -> synthesized into the same assistant message",
      items: [call("call_1"), output("call_9"), output("call_1")],
      options: { orphanToolOutputs: "synthesize" },
      messages: [
        {
          role: "assistant",
          content: null,
          tool_calls: [toolCall("call_1"), toolCall("call_9", "unknown_tool", "{}")],
        },
        { role: "tool", tool_call_id: "call_9", content: "sunny" },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
    },
  ])("$rule", ({ items, options, messages }) => {
    expect(convert(items, options)).toEqual(messages);
  });

  it.each<{ rule: string; items: Items; options?: ConvertInputOptions; warnings: object[] }>([
    {
      rule: "hosted tool call items (web_search_call, tool_search_call, image_generation_call...) -> left out",
      items: [
        user,
        { type: "web_search_call", id: "ws_1", status: "completed", action: { type: "search", query: "q" } },
        { type: "tool_search_call", arguments: { query: "q" }, execution: "client" },
        { type: "image_generation_call", id: "ig_1", result: null, status: "completed" },
        { type: "compaction", encrypted_content: "x" },
      ],
      warnings: ["web_search_call", "tool_search_call", "image_generation_call", "compaction"].map(
        (type, index) => ({
          code: "unsupported_item",
          message: `Item of type '${type}' was left out of the chat request: the chat backend cannot replay hosted tool calls.`,
          param: `input.${index + 1}`,
        }),
      ),
    },
    {
      rule: "an unknown item type -> left out",
      items: [user, { type: "some_future_item", id: "x_1" }],
      warnings: [
        {
          code: "unsupported_item",
          message: "Item of type 'some_future_item' is not supported; it was left out of the chat request.",
          param: "input.1",
        },
      ],
    },
    {
      rule: "an orphan output (synthesize) -> synthesized_tool_call",
      items: [user, output("call_9")],
      options: { orphanToolOutputs: "synthesize" },
      warnings: [
        {
          code: "synthesized_tool_call",
          message:
            "No tool call found for the output with call_id 'call_9'; a call to 'unknown_tool' was synthesized before it.",
          param: "input.1.call_id",
        },
      ],
    },
    {
      rule: "an additional_tools item -> no message, no warning",
      items: [{ type: "additional_tools", role: "developer", tools: [] }, user],
      warnings: [],
    },
  ])("warns: $rule", ({ items, options, warnings }) => {
    const collected: TranslationWarning[] = [];
    const messages = convert(items, { ...options, warnings: collected });
    expect(messages.filter((message) => message.role === "user")).toEqual([{ role: "user", content: "hi" }]);
    expect(collected).toEqual(warnings);
  });

  it.each<{
    rule: string;
    items: Items;
    options?: ConvertInputOptions;
    param: string;
    code: string;
    message: string;
  }>([
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
    {
      rule: "a custom_tool_call_output whose call is not in the input",
      items: [customOutput("call_missing")],
      param: "input.0.call_id",
      code: "invalid_value",
      message: "No tool call found for custom tool call output with call_id 'call_missing'.",
    },
    {
      rule: "a local_shell_call_output whose call is not in the input (named by id)",
      items: [{ type: "local_shell_call_output", id: "call_missing", output: "x" }],
      param: "input.0.id",
      code: "invalid_value",
      message: "No tool call found for local shell call output with call_id 'call_missing'.",
    },
    {
      rule: "an item_reference that is not in referencedItems",
      items: [user, { type: "item_reference", id: "msg_gone" }],
      param: "input.1.id",
      code: "item_not_found",
      message: "Item with id 'msg_gone' not found.",
    },
    {
      rule: "an item_reference in the short form without referencedItems",
      items: [{ id: "msg_gone" }],
      param: "input.0.id",
      code: "item_not_found",
      message: "Item with id 'msg_gone' not found.",
    },
    {
      rule: "an item_reference cycle",
      items: [{ type: "item_reference", id: "a" }],
      options: {
        referencedItems: new Map<string, ResponseInputItem>([
          ["a", { type: "item_reference", id: "b" }],
          ["b", { type: "item_reference", id: "a" }],
        ]),
      },
      param: "input.0.id",
      code: "invalid_value",
      message: "Item reference 'a' leads through more than 8 references.",
    },
    {
      rule: "an input_image given by file_id",
      items: [{ role: "user", content: [{ type: "input_image", file_id: "file_1", detail: "auto" }] }],
      param: "input.0.content.0.file_id",
      code: "unsupported_value",
      message:
        "File ids are not supported by this server (it has no Files API); send the image as 'image_url' (a URL or a base64 data URL) instead.",
    },
    {
      rule: "an input_file given by file_id in a function_call_output",
      items: [call("call_1"), output("call_1", [{ type: "input_file", file_id: "file_1" }])],
      param: "input.1.output.0.file_id",
      code: "unsupported_value",
      message:
        "File ids are not supported by this server (it has no Files API); send the file as 'file_data' (a base64 data URL) instead.",
    },
    {
      rule: "an image in a system message",
      items: [{ role: "system", content: [image] }],
      param: "input.0.content.0.type",
      code: "unsupported_value",
      message: "Content part type 'input_image' is only supported in user messages and tool outputs.",
    },
  ])("rejects $rule", ({ items, options, param, code, message }) => {
    expect(rejection(items, options)).toEqual({ status: 400, param, code, message });
  });

  it("does not modify the items it converts", () => {
    const items = [{ role: "assistant", content: "a" }, call("call_1"), output("call_1")];
    const copy = structuredClone(items);
    convert(items);
    expect(items).toEqual(copy);
  });
});
