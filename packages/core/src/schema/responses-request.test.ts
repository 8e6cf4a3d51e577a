import { describe, expect, it } from "vitest";
import { ResponsesBridgeError } from "../errors.js";
import { codexRequests } from "../translate/__fixtures__/codex-requests.js";
import { checkRequestLimits } from "./request-limits.js";
import { getRequestSchema, parseResponsesRequest } from "./responses-request.js";
import { issueToError } from "./zod-issue-to-error.js";

/** The error `parseResponsesRequest` throws for `body`, as the client would see it. */
function rejection(body: unknown, limits?: Parameters<typeof parseResponsesRequest>[1]) {
  try {
    parseResponsesRequest(body, limits);
  } catch (error) {
    if (!ResponsesBridgeError.isInstance(error)) throw error;
    return {
      status: error.status,
      type: error.type,
      param: error.param,
      code: error.code,
      message: error.message,
    };
  }
  throw new Error("expected the body to be rejected");
}

/**
 * What the limits and the whole request schema make of `body`, in one zod parse: the reference that
 * `parseResponsesRequest`, which parses only the fields a body has, must agree with.
 */
function viaWholeSchema(body: Record<string, unknown>) {
  let error: ResponsesBridgeError;
  try {
    checkRequestLimits(body);
    const result = getRequestSchema().safeParse(body);
    if (result.success) return { data: result.data };
    error = issueToError(result.error.issues[0]!, body, []);
  } catch (thrown) {
    if (!ResponsesBridgeError.isInstance(thrown)) throw thrown;
    error = thrown;
  }
  return {
    error: {
      status: error.status,
      type: error.type,
      param: error.param,
      code: error.code,
      message: error.message,
    },
  };
}

const base = { model: "m" };

describe("parseResponsesRequest accepts", () => {
  it.each<{ rule: string; body: Record<string, unknown> }>([
    { rule: "a string input", body: { model: "m", input: "hi" } },
    { rule: "no input at all", body: { model: "m" } },
    {
      rule: "unknown top-level fields (ignored)",
      body: { model: "m", input: "hi", brand_new_field: { a: 1 } },
    },
    {
      rule: "a message item without `type` (EasyInputMessage)",
      body: { model: "m", input: [{ role: "user", content: "hi" }] },
    },
    ...(["user", "assistant", "system", "developer"] as const).map((role) => ({
      rule: `a message with role ${role}`,
      body: { model: "m", input: [{ type: "message", role, content: "hi" }] },
    })),
    {
      rule: "text content parts (input_text, output_text, refusal)",
      body: {
        model: "m",
        input: [
          { role: "user", content: [{ type: "input_text", text: "a" }] },
          {
            role: "assistant",
            content: [
              { type: "output_text", text: "b" },
              { type: "refusal", refusal: "c" },
            ],
          },
        ],
      },
    },
    {
      rule: "image and file content parts (checked further by the translator)",
      body: {
        model: "m",
        input: [
          {
            role: "user",
            content: [
              { type: "input_image", image_url: "https://example.com/a.png", detail: "auto" },
              { type: "input_file", file_data: "data:application/pdf;base64,AA==", filename: "a.pdf" },
            ],
          },
        ],
      },
    },
    {
      rule: "items with extra fields like id and status (Codex, Agents SDK)",
      body: {
        model: "m",
        input: [
          { type: "message", id: "msg_1", role: "user", content: [{ type: "input_text", text: "hi" }] },
          {
            type: "function_call",
            id: "fc_1",
            status: "completed",
            call_id: "c1",
            name: "f",
            arguments: "{}",
          },
          { type: "function_call_output", id: "fco_1", status: "completed", call_id: "c1", output: "ok" },
        ],
      },
    },
    {
      rule: "an output message replayed from the store (id, status, annotations, logprobs)",
      body: {
        model: "m",
        input: [
          {
            type: "message",
            id: "msg_1",
            role: "assistant",
            status: "completed",
            content: [{ type: "output_text", text: "hi", annotations: [], logprobs: [] }],
          },
        ],
      },
    },
    {
      rule: "a function_call_output with an array of parts",
      body: {
        model: "m",
        input: [
          { type: "function_call", call_id: "c1", name: "f", arguments: "{}" },
          { type: "function_call_output", call_id: "c1", output: [{ type: "input_text", text: "ok" }] },
        ],
      },
    },
    {
      rule: "function tools with and without description/parameters/strict",
      body: {
        model: "m",
        tools: [
          { type: "function", name: "a", parameters: { type: "object", properties: {} }, strict: true },
          { type: "function", name: "b", description: null, parameters: null, strict: null },
          { type: "function", name: "c" },
        ],
      },
    },
    {
      rule: "custom tools without format, with a text format, and with a lark or regex grammar",
      body: {
        model: "m",
        tools: [
          { type: "custom", name: "a" },
          { type: "custom", name: "b", description: "d", format: { type: "text" } },
          {
            type: "custom",
            name: "c",
            format: { type: "grammar", syntax: "lark", definition: "start: /x/" },
          },
          { type: "custom", name: "d", format: { type: "grammar", syntax: "regex", definition: "^x$" } },
        ],
      },
    },
    {
      rule: "namespace tools holding function and custom tools (and unknown inner types, left to the translator)",
      body: {
        model: "m",
        tools: [
          {
            type: "namespace",
            name: "ns",
            description: "d",
            tools: [
              { type: "function", name: "f", parameters: { type: "object" }, strict: false },
              { type: "custom", name: "c" },
              { type: "web_search" },
            ],
          },
          { type: "namespace", name: "empty", tools: [] },
        ],
      },
    },
    {
      rule: "local_shell, hosted and unknown tool types (unchecked: the translator drops or rejects them)",
      body: {
        model: "m",
        tools: [
          { type: "local_shell" },
          { type: "web_search", external_web_access: true },
          { type: "tool_search", execution: "client" },
          { type: "mcp", server_label: "s" },
          { type: "some_future_tool" },
        ],
      },
    },
    {
      rule: "custom tool calls and outputs; function calls with a namespace",
      body: {
        model: "m",
        input: [
          { type: "custom_tool_call", call_id: "c1", name: "apply_patch", input: "*** Begin Patch" },
          { type: "custom_tool_call_output", call_id: "c1", output: "ok" },
          {
            type: "function_call",
            call_id: "c2",
            name: "spawn_agent",
            namespace: "multi_agent_v1",
            arguments: "{}",
          },
          {
            type: "function_call_output",
            call_id: "c2",
            output: [{ type: "input_image", image_url: "data:," }],
          },
        ],
      },
    },
    {
      rule: "local shell calls and outputs (the output names its call by call_id or by id)",
      body: {
        model: "m",
        input: [
          {
            type: "local_shell_call",
            id: "lsh_1",
            call_id: "c1",
            status: "completed",
            action: { type: "exec", command: ["ls"], env: {}, timeout_ms: null, working_directory: null },
          },
          { type: "local_shell_call_output", id: "c1", output: "a" },
          { type: "local_shell_call_output", call_id: "c1", output: "a" },
        ],
      },
    },
    ...[
      { summary: [{ type: "summary_text", text: "s" }] },
      { summary: [], content: [{ type: "reasoning_text", text: "r" }] },
      { content: [{ type: "reasoning_text", text: "r" }] },
      { summary: [], encrypted_content: "gAAAA" },
      { summary: [], content: null, encrypted_content: null },
      { summary: [{ type: "summary_text" }] },
    ].map((fields) => ({
      rule: `a reasoning item ${JSON.stringify(fields)}`,
      body: { model: "m", input: [{ type: "reasoning", id: "rs_1", ...fields }] },
    })),
    {
      rule: "item references, with type and in the short form { id }",
      body: {
        model: "m",
        input: [{ type: "item_reference", id: "msg_1" }, { id: "msg_2" }, { type: null, id: "msg_3" }],
      },
    },
    {
      rule: "an additional_tools item (Codex code mode)",
      body: {
        model: "m",
        input: [
          {
            type: "additional_tools",
            role: "developer",
            tools: [{ type: "namespace", name: "functions", tools: [{ type: "custom", name: "exec" }] }],
          },
        ],
      },
    },
    {
      rule: "hosted tool call items and unknown item types (the translator leaves them out)",
      body: {
        model: "m",
        input: [
          { type: "web_search_call", id: "ws_1", status: "completed", action: { type: "search" } },
          { type: "tool_search_call", arguments: {} },
          { type: "image_generation_call", id: "ig_1", result: null, status: "completed" },
          { type: "compaction", encrypted_content: "x" },
          { type: "some_future_item" },
        ],
      },
    },
    ...[
      "auto",
      "none",
      "required",
      { type: "function", name: "f" },
      { type: "allowed_tools", mode: "auto", tools: [{ type: "function", name: "f" }] },
      { type: "custom", name: "apply_patch" },
      { type: "mcp", server_label: "s" },
      { type: "web_search_preview" },
    ].map((toolChoice) => ({
      rule: `tool_choice ${JSON.stringify(toolChoice)}`,
      body: { model: "m", tool_choice: toolChoice },
    })),
    {
      rule: "every documented field with a valid value",
      body: {
        model: "m",
        input: "hi",
        instructions: "be brief",
        parallel_tool_calls: false,
        max_tool_calls: 3,
        temperature: 2,
        top_p: 0,
        presence_penalty: -2,
        frequency_penalty: 2,
        top_logprobs: 20,
        max_output_tokens: 1,
        user: "u",
        safety_identifier: "s",
        metadata: { a: "b" },
        store: false,
        stream: true,
        stream_options: { include_obfuscation: false },
        background: false,
        reasoning: { effort: "high", summary: "detailed", generate_summary: "auto", context: "all_turns" },
        text: {
          format: {
            type: "json_schema",
            name: "x",
            schema: { type: "object" },
            strict: true,
            description: "d",
          },
          verbosity: "low",
        },
        truncation: "auto",
        include: ["reasoning.encrypted_content"],
        previous_response_id: "resp_1",
        conversation: { id: "conv_1" },
        prompt: { id: "pmpt_1", variables: { a: "b" }, version: "2" },
        prompt_cache_key: "k",
        prompt_cache_retention: "24h",
        service_tier: "auto",
        client_metadata: { session_id: "s" },
      },
    },
    {
      rule: "null for every nullable field",
      body: Object.fromEntries(
        [
          "instructions",
          "tools",
          "tool_choice",
          "parallel_tool_calls",
          "max_tool_calls",
          "temperature",
          "top_p",
          "presence_penalty",
          "frequency_penalty",
          "top_logprobs",
          "max_output_tokens",
          "user",
          "safety_identifier",
          "metadata",
          "store",
          "stream",
          "stream_options",
          "background",
          "reasoning",
          "text",
          "truncation",
          "include",
          "previous_response_id",
          "conversation",
          "prompt",
          "prompt_cache_key",
          "service_tier",
          "client_metadata",
        ]
          .map((key): [string, unknown] => [key, null])
          .concat([["model", "m"]]),
      ),
    },
    { rule: "text.format json_object", body: { model: "m", text: { format: { type: "json_object" } } } },
    { rule: "text.format text", body: { model: "m", text: { format: { type: "text" } } } },
    { rule: "metadata with 16 keys", body: { model: "m", metadata: manyKeys(16) } },
    ...codexRequests.map(({ name, body }) => ({ rule: `Codex ${name} (real capture)`, body })),
  ])("$rule", ({ body }) => {
    const parsed = parseResponsesRequest(body);
    expect(parsed).toEqual(body);
    // The same value, with its keys in the same order, as the whole schema's parse.
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(viaWholeSchema(body).data));
  });

  it("returns the caller's input items without copying them", () => {
    const item = { type: "message", role: "user", content: "hi", id: "msg_1" };
    const parsed = parseResponsesRequest({ model: "m", input: [item] });
    expect(Array.isArray(parsed.input) && parsed.input[0]).toBe(item);
  });
});

describe("parseResponsesRequest rejects", () => {
  it.each<{ rule: string; body: unknown; param: string | null; code: string; message: string }>([
    {
      rule: "a body that is not an object",
      body: 42,
      param: null,
      code: "invalid_type",
      message: "Invalid request body: expected a JSON object, but got an integer instead.",
    },
    {
      rule: "an array body",
      body: [],
      param: null,
      code: "invalid_type",
      message: "Invalid request body: expected a JSON object, but got an array instead.",
    },
    {
      rule: "a null body",
      body: null,
      param: null,
      code: "invalid_type",
      message: "Invalid request body: expected a JSON object, but got null instead.",
    },
    {
      rule: "a missing model",
      body: { input: "hi" },
      param: "model",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'model'.",
    },
    {
      rule: "a model that is not a string",
      body: { model: 4 },
      param: "model",
      code: "invalid_type",
      message: "Invalid type for 'model': expected a string, but got an integer instead.",
    },
    {
      rule: "input: 42",
      body: { ...base, input: 42 },
      param: "input",
      code: "invalid_type",
      message:
        "Invalid type for 'input': expected a string or an array of input items, but got an integer instead.",
    },
    {
      rule: "input: null",
      body: { ...base, input: null },
      param: "input",
      code: "invalid_type",
      message:
        "Invalid type for 'input': expected a string or an array of input items, but got null instead.",
    },
    {
      rule: "an input item that is not an object",
      body: { ...base, input: ["hi"] },
      param: "input.0",
      code: "invalid_type",
      message: "Invalid type for 'input.0': expected an object, but got a string instead.",
    },
    {
      rule: "a message without role",
      body: { ...base, input: [{ content: "hi" }] },
      param: "input.0.role",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'input.0.role'.",
    },
    {
      rule: "an unknown role",
      body: { ...base, input: [{ role: "bot", content: "hi" }] },
      param: "input.0.role",
      code: "invalid_value",
      message: `Invalid value for 'input.0.role': 'bot'. Supported values are: 'user', 'assistant', 'system' and 'developer'.`,
    },
    {
      rule: "message content of the wrong type",
      body: {
        ...base,
        input: [
          { role: "user", content: "ok" },
          { role: "user", content: 5 },
        ],
      },
      param: "input.1.content",
      code: "invalid_type",
      message:
        "Invalid type for 'input.1.content': expected a string or an array of content parts, but got an integer instead.",
    },
    {
      rule: "a message without content",
      body: { ...base, input: [{ role: "user" }] },
      param: "input.0.content",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'input.0.content'.",
    },
    {
      rule: "an unknown content part type",
      body: { ...base, input: [{ role: "user", content: [{ type: "input_audio" }] }] },
      param: "input.0.content.0.type",
      code: "invalid_value",
      message:
        "Invalid value for 'input.0.content.0.type': 'input_audio'. Supported values are: 'input_text', 'output_text', 'refusal', 'input_image' and 'input_file'.",
    },
    {
      rule: "a text part without text",
      body: { ...base, input: [{ role: "user", content: [{ type: "input_text" }] }] },
      param: "input.0.content.0.text",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'input.0.content.0.text'.",
    },
    {
      rule: "a custom_tool_call without input",
      body: { ...base, input: [{ type: "custom_tool_call", call_id: "c", name: "apply_patch" }] },
      param: "input.0.input",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'input.0.input'.",
    },
    {
      rule: "a custom_tool_call_output without call_id",
      body: { ...base, input: [{ type: "custom_tool_call_output", output: "ok" }] },
      param: "input.0.call_id",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'input.0.call_id'.",
    },
    {
      rule: "a function_call with a numeric namespace",
      body: {
        ...base,
        input: [{ type: "function_call", call_id: "c", name: "f", arguments: "{}", namespace: 1 }],
      },
      param: "input.0.namespace",
      code: "invalid_type",
      message: "Invalid type for 'input.0.namespace': expected a string, but got an integer instead.",
    },
    {
      rule: "a local_shell_call whose command is a string",
      body: {
        ...base,
        input: [{ type: "local_shell_call", call_id: "c", action: { type: "exec", command: "ls" } }],
      },
      param: "input.0.action.command",
      code: "invalid_type",
      message: "Invalid type for 'input.0.action.command': expected an array, but got a string instead.",
    },
    {
      rule: "a local_shell_call_output with neither call_id nor id",
      body: { ...base, input: [{ type: "local_shell_call_output", output: "x" }] },
      param: "input.0.call_id",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'input.0.call_id'.",
    },
    {
      rule: "a reasoning item whose summary is not an array",
      body: { ...base, input: [{ type: "reasoning", id: "rs_1", summary: "thought" }] },
      param: "input.0.summary",
      code: "invalid_type",
      message: "Invalid type for 'input.0.summary': expected an array, but got a string instead.",
    },
    {
      rule: "a reasoning item with a numeric encrypted_content",
      body: { ...base, input: [{ type: "reasoning", summary: [], encrypted_content: 1 }] },
      param: "input.0.encrypted_content",
      code: "invalid_type",
      message: "Invalid type for 'input.0.encrypted_content': expected a string, but got an integer instead.",
    },
    {
      rule: "an item_reference without id",
      body: { ...base, input: [{ type: "item_reference" }] },
      param: "input.0.id",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'input.0.id'.",
    },
    {
      rule: "an additional_tools item without tools",
      body: { ...base, input: [{ type: "additional_tools", role: "developer" }] },
      param: "input.0.tools",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'input.0.tools'.",
    },
    {
      rule: "a custom tool with a grammar but no definition",
      body: {
        ...base,
        tools: [{ type: "custom", name: "apply_patch", format: { type: "grammar", syntax: "lark" } }],
      },
      param: "tools.0.format.definition",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'tools.0.format.definition'.",
    },
    {
      rule: "a custom tool grammar of an unknown syntax",
      body: {
        ...base,
        tools: [{ type: "custom", name: "p", format: { type: "grammar", syntax: "ebnf", definition: "x" } }],
      },
      param: "tools.0.format.syntax",
      code: "invalid_value",
      message: "Invalid value for 'tools.0.format.syntax': 'ebnf'. Supported values are: 'lark' and 'regex'.",
    },
    {
      rule: "a custom tool without name",
      body: { ...base, tools: [{ type: "custom" }] },
      param: "tools.0.name",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'tools.0.name'.",
    },
    {
      rule: "a namespace tool without tools",
      body: { ...base, tools: [{ type: "namespace", name: "ns" }] },
      param: "tools.0.tools",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'tools.0.tools'.",
    },
    {
      rule: "a function inside a namespace without name",
      body: { ...base, tools: [{ type: "namespace", name: "ns", tools: [{ type: "function" }] }] },
      param: "tools.0.tools.0.name",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'tools.0.tools.0.name'.",
    },
    {
      rule: "an item without type, role or id",
      body: { ...base, input: [{ content: "hi" }] },
      param: "input.0.role",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'input.0.role'.",
    },
    {
      rule: "an item type that is not a string",
      body: { ...base, input: [{ type: 3 }] },
      param: "input.0.type",
      code: "invalid_type",
      message: "Invalid type for 'input.0.type': expected a string, but got an integer instead.",
    },
    {
      rule: "a function_call without call_id",
      body: { ...base, input: [{ type: "function_call", name: "f", arguments: "{}" }] },
      param: "input.0.call_id",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'input.0.call_id'.",
    },
    {
      rule: "function_call arguments as an object instead of a JSON string",
      body: { ...base, input: [{ type: "function_call", call_id: "c", name: "f", arguments: { a: 1 } }] },
      param: "input.0.arguments",
      code: "invalid_type",
      message: "Invalid type for 'input.0.arguments': expected a string, but got an object instead.",
    },
    {
      rule: "a function_call_output with a numeric output",
      body: { ...base, input: [{ type: "function_call_output", call_id: "c", output: 1 }] },
      param: "input.0.output",
      code: "invalid_type",
      message:
        "Invalid type for 'input.0.output': expected a string or an array of output content parts, but got an integer instead.",
    },
    {
      rule: "an empty call_id",
      body: { ...base, input: [{ type: "function_call_output", call_id: "", output: "x" }] },
      param: "input.0.call_id",
      code: "string_below_min_length",
      message:
        "Invalid 'input.0.call_id': string too short. Expected a string with minimum length 1, but got an empty string instead.",
    },
    {
      rule: "tools that are not an array",
      body: { ...base, tools: {} },
      param: "tools",
      code: "invalid_type",
      message: "Invalid type for 'tools': expected an array, but got an object instead.",
    },
    {
      rule: "a tool without type",
      body: { ...base, tools: [{ name: "f" }] },
      param: "tools.0.type",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'tools.0.type'.",
    },
    {
      rule: "a Chat Completions-shaped function tool (no flattened name)",
      body: { ...base, tools: [{ type: "function", function: { name: "f" } }] },
      param: "tools.0.name",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'tools.0.name'.",
    },
    {
      rule: "function tool parameters that are not an object",
      body: { ...base, tools: [{ type: "function", name: "f", parameters: "{}" }] },
      param: "tools.0.parameters",
      code: "invalid_type",
      message: "Invalid type for 'tools.0.parameters': expected an object, but got a string instead.",
    },
    {
      rule: "an unknown tool_choice string",
      body: { ...base, tool_choice: "sometimes" },
      param: "tool_choice",
      code: "invalid_value",
      message: `Invalid value for 'tool_choice': 'sometimes'. Supported values are: 'none', 'auto' and 'required'.`,
    },
    {
      rule: "a tool_choice of the wrong type",
      body: { ...base, tool_choice: 1 },
      param: "tool_choice",
      code: "invalid_type",
      message:
        "Invalid type for 'tool_choice': expected one of 'none', 'auto', 'required' or a tool choice object, but got an integer instead.",
    },
    {
      rule: "a function tool_choice without name",
      body: { ...base, tool_choice: { type: "function" } },
      param: "tool_choice.name",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'tool_choice.name'.",
    },
    {
      rule: "an allowed_tools tool_choice with a bad mode",
      body: { ...base, tool_choice: { type: "allowed_tools", mode: "maybe", tools: [] } },
      param: "tool_choice.mode",
      code: "invalid_value",
      message: `Invalid value for 'tool_choice.mode': 'maybe'. Supported values are: 'auto' and 'required'.`,
    },
    {
      rule: "temperature above 2",
      body: { ...base, temperature: 2.5 },
      param: "temperature",
      code: "decimal_above_max_value",
      message:
        "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.5 instead.",
    },
    {
      rule: "temperature below 0",
      body: { ...base, temperature: -1 },
      param: "temperature",
      code: "decimal_below_min_value",
      message:
        "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -1 instead.",
    },
    {
      rule: "temperature as a string",
      body: { ...base, temperature: "hot" },
      param: "temperature",
      code: "invalid_type",
      message: "Invalid type for 'temperature': expected a number, but got a string instead.",
    },
    {
      rule: "top_p above 1",
      body: { ...base, top_p: 1.5 },
      param: "top_p",
      code: "decimal_above_max_value",
      message: "Invalid 'top_p': decimal above maximum value. Expected a value <= 1, but got 1.5 instead.",
    },
    {
      rule: "presence_penalty below -2",
      body: { ...base, presence_penalty: -3 },
      param: "presence_penalty",
      code: "decimal_below_min_value",
      message:
        "Invalid 'presence_penalty': decimal below minimum value. Expected a value >= -2, but got -3 instead.",
    },
    {
      rule: "max_output_tokens of 0",
      body: { ...base, max_output_tokens: 0 },
      param: "max_output_tokens",
      code: "integer_below_min_value",
      message:
        "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 1, but got 0 instead.",
    },
    {
      rule: "a fractional max_output_tokens",
      body: { ...base, max_output_tokens: 1.5 },
      param: "max_output_tokens",
      code: "invalid_type",
      message: "Invalid type for 'max_output_tokens': expected an integer, but got a decimal instead.",
    },
    {
      rule: "top_logprobs above 20",
      body: { ...base, top_logprobs: 21 },
      param: "top_logprobs",
      code: "integer_above_max_value",
      message:
        "Invalid 'top_logprobs': integer above maximum value. Expected a value <= 20, but got 21 instead.",
    },
    {
      rule: "metadata with 17 keys",
      body: { ...base, metadata: manyKeys(17) },
      param: "metadata",
      code: "object_above_max_properties",
      message:
        "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead.",
    },
    {
      rule: "a metadata value that is not a string",
      body: { ...base, metadata: { a: 1 } },
      param: "metadata.a",
      code: "invalid_type",
      message: "Invalid type for 'metadata.a': expected a string, but got an integer instead.",
    },
    {
      rule: "a metadata value longer than 512 characters",
      body: { ...base, metadata: { a: "x".repeat(513) } },
      param: "metadata.a",
      code: "string_above_max_length",
      message:
        "Invalid 'metadata.a': string too long. Expected a string with maximum length 512, but got a string with length 513 instead.",
    },
    {
      rule: "a metadata key longer than 64 characters",
      body: { ...base, metadata: { ["k".repeat(65)]: "v" } },
      param: "metadata",
      code: "string_above_max_length",
      message:
        "Invalid 'metadata': key too long. Expected keys with maximum length 64, but got a key with length 65 instead.",
    },
    {
      rule: "stream as a string",
      body: { ...base, stream: "yes" },
      param: "stream",
      code: "invalid_type",
      message: "Invalid type for 'stream': expected a boolean, but got a string instead.",
    },
    {
      rule: "an unknown text.format type",
      body: { ...base, text: { format: { type: "xml" } } },
      param: "text.format.type",
      code: "invalid_value",
      message: `Invalid value for 'text.format.type': 'xml'. Supported values are: 'text', 'json_object' and 'json_schema'.`,
    },
    {
      rule: "a json_schema format without name",
      body: { ...base, text: { format: { type: "json_schema", schema: {} } } },
      param: "text.format.name",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'text.format.name'.",
    },
    {
      rule: "an unknown truncation",
      body: { ...base, truncation: "sometimes" },
      param: "truncation",
      code: "invalid_value",
      message: `Invalid value for 'truncation': 'sometimes'. Supported values are: 'auto' and 'disabled'.`,
    },
    {
      rule: "an unknown context_management type",
      body: { ...base, context_management: [{ type: "truncate" }] },
      param: "context_management.0.type",
      code: "invalid_value",
      message: `Invalid value for 'context_management.0.type': 'truncate'. Supported values are: 'compaction'.`,
    },
    {
      rule: "a context_management threshold that is not a positive integer",
      body: { ...base, context_management: [{ type: "compaction", compact_threshold: 0.5 }] },
      param: "context_management.0.compact_threshold",
      code: "invalid_type",
      message:
        "Invalid type for 'context_management.0.compact_threshold': expected an integer, but got a decimal instead.",
    },
    {
      rule: "context_management as an object",
      body: { ...base, context_management: { type: "compaction" } },
      param: "context_management",
      code: "invalid_type",
      message: "Invalid type for 'context_management': expected an array, but got an object instead.",
    },
    {
      rule: "reasoning as a string",
      body: { ...base, reasoning: "high" },
      param: "reasoning",
      code: "invalid_type",
      message: "Invalid type for 'reasoning': expected an object, but got a string instead.",
    },
    {
      rule: "include as a string",
      body: { ...base, include: "reasoning.encrypted_content" },
      param: "include",
      code: "invalid_type",
      message: "Invalid type for 'include': expected an array, but got a string instead.",
    },
    {
      rule: "instructions as a number",
      body: { ...base, instructions: 1 },
      param: "instructions",
      code: "invalid_type",
      message: "Invalid type for 'instructions': expected a string, but got an integer instead.",
    },
  ])("$rule", ({ body, param, code, message }) => {
    expect(rejection(body)).toEqual({ status: 400, type: "invalid_request_error", param, code, message });
    if (typeof body === "object" && body !== null && !Array.isArray(body)) {
      expect(viaWholeSchema(body as Record<string, unknown>).error).toEqual(rejection(body));
    }
  });

  it("names the first bad field in the schema's order, whatever the body's order", () => {
    const body = { temperature: 9, stream: "yes", model: 4 };
    expect(rejection(body).param).toBe("model");
    expect(rejection({ stream: "yes", temperature: 9, model: "m" }).param).toBe("temperature");
    expect(viaWholeSchema(body).error).toEqual(rejection(body));
  });
});

describe("parseResponsesRequest keeps", () => {
  it("known fields first, in the schema's order, then unknown ones as sent, and drops `__proto__`", () => {
    const body = JSON.parse(
      '{"zeta":1,"stream":true,"__proto__":{"polluted":true},"model":"m","alpha":{"b":2},"input":"hi"}',
    ) as Record<string, unknown>;
    const parsed = parseResponsesRequest(body) as unknown as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["model", "input", "stream", "zeta", "alpha"]);
    expect(parsed.alpha).toBe(body.alpha);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect((parsed as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(viaWholeSchema(body).data));
  });
});

function manyKeys(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, index) => [`k${index}`, "v"]));
}

describe("parseResponsesRequest limits", () => {
  const items = (count: number) => new Array(count).fill({ role: "user", content: "x" });

  it("applies the defaults, and a cap left undefined keeps its default", () => {
    expect(rejection({ model: "m", input: items(10_001) })).toMatchObject({
      param: "input",
      code: "array_above_max_length",
    });
    expect(() => parseResponsesRequest({ model: "m", input: items(10_000) })).not.toThrow();
    expect(() =>
      parseResponsesRequest({ model: "m", input: items(10_001) }, { maxInputItems: undefined }),
    ).toThrow(/maximum length 10000/);
    expect(() =>
      parseResponsesRequest({ model: "m", input: items(10_001) }, { maxInputItems: 20_000 }),
    ).not.toThrow();
  });

  it("refuses an empty model and ids with control characters", () => {
    expect(rejection({ model: "", input: "hi" })).toMatchObject({ param: "model" });
    expect(rejection({ model: "m", input: [{ id: "a\u0000b", type: "item_reference" }] })).toMatchObject({
      param: "input.0.id",
    });
    expect(rejection({ model: "m", previous_response_id: "resp_\n1" })).toMatchObject({
      param: "previous_response_id",
    });
  });

  it("stops at the first bad element of a huge array (no stack overflow, one issue)", () => {
    const tools = new Array(200_000).fill(7);
    expect(rejection({ model: "m", tools }, { maxTools: 1e9 })).toMatchObject({ param: "tools.0" });
  });
});
