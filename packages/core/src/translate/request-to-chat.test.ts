import { describe, expect, it } from "vitest";
import { ResponsesBridgeError } from "../errors.js";
import { parseResponsesRequest } from "../schema/responses-request.js";
import type { ResponseCreateParams } from "../types.js";
import patchTurn2 from "./__fixtures__/codex-patch-turn2-request.json" with { type: "json" };
import reasoningTurn2 from "./__fixtures__/codex-reasoning-turn2-request.json" with { type: "json" };
import turn1 from "./__fixtures__/codex-turn1-request.json" with { type: "json" };
import turn2 from "./__fixtures__/codex-turn2-request.json" with { type: "json" };
import { type ConvertRequestOptions, convertRequestToChat } from "./request-to-chat.js";

/** A request as a client sends it (loosely typed JSON), validated like the handler does. */
function request(body: Record<string, unknown>): ResponseCreateParams {
  return parseResponsesRequest({ model: "m", input: "hi", ...body });
}

function rejection(body: Record<string, unknown>, options?: ConvertRequestOptions) {
  try {
    convertRequestToChat(request(body), options);
  } catch (error) {
    if (!ResponsesBridgeError.isInstance(error)) throw error;
    return { status: error.status, param: error.param, code: error.code, message: error.message };
  }
  throw new Error("expected the request to be rejected");
}

const weather = {
  type: "function",
  name: "get_weather",
  description: "Weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: true,
};
const chatWeather = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    strict: true,
  },
};
const clock = { type: "function", name: "get_time", parameters: null, strict: null };
const chatClock = { type: "function", function: { name: "get_time" } };
const user = { role: "user", content: "hi" };

describe("convertRequestToChat", () => {
  it.each<{ rule: string; body: Record<string, unknown>; options?: ConvertRequestOptions; expected: object }>(
    [
      // Messages
      {
        rule: "input string -> one user message",
        body: { input: "hi" },
        expected: { messages: [user] },
      },
      {
        rule: "instructions -> a leading system message",
        body: { instructions: "Be brief.", input: [{ role: "developer", content: "dev" }, user] },
        expected: {
          messages: [{ role: "system", content: "Be brief." }, { role: "system", content: "dev" }, user],
        },
      },
      {
        rule: "instructions -> a leading developer message (capabilities.developerRole)",
        body: { instructions: "Be brief.", input: [{ role: "developer", content: "dev" }, user] },
        options: { capabilities: { developerRole: true } },
        expected: {
          messages: [
            { role: "developer", content: "Be brief." },
            { role: "developer", content: "dev" },
            user,
          ],
        },
      },
      {
        rule: "empty instructions -> no system message",
        body: { instructions: "" },
        expected: { messages: [user] },
      },
      {
        rule: "history (previous_response_id) -> after instructions, before the new input",
        body: {
          instructions: "Be brief.",
          input: [{ type: "function_call_output", call_id: "call_1", output: "sunny" }],
        },
        options: {
          history: [
            { type: "message", role: "user", content: "weather?" },
            {
              type: "message",
              id: "msg_1",
              role: "assistant",
              status: "completed",
              content: [{ type: "output_text", text: "Checking.", annotations: [], logprobs: [] }],
            },
            {
              type: "function_call",
              id: "fc_1",
              status: "completed",
              call_id: "call_1",
              name: "get_weather",
              arguments: '{"city":"Paris"}',
            },
          ],
        },
        expected: {
          messages: [
            { role: "system", content: "Be brief." },
            { role: "user", content: "weather?" },
            {
              role: "assistant",
              content: "Checking.",
              tool_calls: [
                {
                  id: "call_1",
                  type: "function",
                  function: { name: "get_weather", arguments: '{"city":"Paris"}' },
                },
              ],
            },
            { role: "tool", tool_call_id: "call_1", content: "sunny" },
          ],
        },
      },
      // Model
      { rule: "model -> model (passed through)", body: { model: "llama3" }, expected: { model: "llama3" } },
      {
        rule: "model -> the `model` option when it is a string",
        body: { model: "gpt-5" },
        options: { model: "qwen3:8b" },
        expected: { model: "qwen3:8b" },
      },
      {
        rule: "model -> the `model` option's result when it is a function",
        body: { model: "gpt-5" },
        options: { model: (requested) => `local/${requested}` },
        expected: { model: "local/gpt-5" },
      },
      // Tools
      {
        rule: "function tools (flattened) -> chat tools {type, function: {name, description, parameters, strict}}",
        body: { tools: [weather] },
        expected: { tools: [chatWeather] },
      },
      {
        rule: "function tool without description, with null parameters and strict -> those keys omitted",
        body: { tools: [clock] },
        expected: { tools: [chatClock] },
      },
      {
        rule: "function tool with strict: false -> strict: false",
        body: { tools: [{ type: "function", name: "f", strict: false }] },
        expected: { tools: [{ type: "function", function: { name: "f", strict: false } }] },
      },
      {
        rule: "tool_choice 'auto' | 'none' | 'required' -> the same string",
        body: { tools: [weather], tool_choice: "required" },
        expected: { tools: [chatWeather], tool_choice: "required" },
      },
      {
        rule: "tool_choice {type: 'function', name} -> {type: 'function', function: {name}}",
        body: { tools: [weather, clock], tool_choice: { type: "function", name: "get_time" } },
        expected: {
          tools: [chatWeather, chatClock],
          tool_choice: { type: "function", function: { name: "get_time" } },
        },
      },
      {
        rule: "tool_choice allowed_tools -> only the allowed tools, tool_choice = mode",
        body: {
          tools: [weather, clock],
          tool_choice: {
            type: "allowed_tools",
            mode: "required",
            tools: [{ type: "function", name: "get_time" }],
          },
        },
        expected: { tools: [chatClock], tool_choice: "required" },
      },
      {
        rule: "parallel_tool_calls -> parallel_tool_calls (with tools)",
        body: { tools: [weather], parallel_tool_calls: false },
        expected: { tools: [chatWeather], parallel_tool_calls: false },
      },
      {
        rule: "tool_choice and parallel_tool_calls without tools -> omitted",
        body: { tool_choice: "auto", parallel_tool_calls: true },
        expected: {},
      },
      // Sampling and limits
      { rule: "temperature -> temperature", body: { temperature: 0.2 }, expected: { temperature: 0.2 } },
      { rule: "top_p -> top_p", body: { top_p: 0.9 }, expected: { top_p: 0.9 } },
      {
        rule: "presence_penalty, frequency_penalty -> the same",
        body: { presence_penalty: 0.5, frequency_penalty: -0.5 },
        expected: { presence_penalty: 0.5, frequency_penalty: -0.5 },
      },
      {
        rule: "max_output_tokens -> max_tokens (default)",
        body: { max_output_tokens: 256 },
        expected: { max_tokens: 256 },
      },
      {
        rule: "max_output_tokens -> max_completion_tokens (capabilities.maxTokensField)",
        body: { max_output_tokens: 256 },
        options: { capabilities: { maxTokensField: "max_completion_tokens" } },
        expected: { max_completion_tokens: 256 },
      },
      { rule: "user -> user", body: { user: "u1" }, expected: { user: "u1" } },
      { rule: "safety_identifier -> user", body: { safety_identifier: "s1" }, expected: { user: "s1" } },
      {
        rule: "user and safety_identifier -> user wins",
        body: { user: "u1", safety_identifier: "s1" },
        expected: { user: "u1" },
      },
      {
        rule: "top_logprobs -> logprobs: true + top_logprobs",
        body: { top_logprobs: 3 },
        expected: { logprobs: true, top_logprobs: 3 },
      },
      // Structured output
      {
        rule: "text.format json_schema -> response_format json_schema {name, schema, strict, description}",
        body: {
          text: {
            format: {
              type: "json_schema",
              name: "answer",
              schema: { type: "object" },
              strict: true,
              description: "The answer",
            },
          },
        },
        expected: {
          response_format: {
            type: "json_schema",
            json_schema: {
              name: "answer",
              schema: { type: "object" },
              strict: true,
              description: "The answer",
            },
          },
        },
      },
      {
        rule: "text.format json_schema without strict/description -> those keys omitted",
        body: { text: { format: { type: "json_schema", name: "answer", schema: { type: "object" } } } },
        expected: {
          response_format: {
            type: "json_schema",
            json_schema: { name: "answer", schema: { type: "object" } },
          },
        },
      },
      {
        rule: "text.format json_object -> response_format json_object",
        body: { text: { format: { type: "json_object" } } },
        expected: { response_format: { type: "json_object" } },
      },
      {
        rule: "text.format text -> no response_format",
        body: { text: { format: { type: "text" } } },
        expected: {},
      },
      // Streaming
      {
        rule: "stream: true -> stream: true + stream_options.include_usage",
        body: { stream: true },
        expected: { stream: true, stream_options: { include_usage: true } },
      },
      {
        rule: "stream: true -> stream: true without stream_options (capabilities.streamUsage false)",
        body: { stream: true },
        options: { capabilities: { streamUsage: false } },
        expected: { stream: true },
      },
      { rule: "stream: false -> no stream key", body: { stream: false }, expected: {} },
      // Not sent upstream
      {
        rule: "metadata, store, reasoning, text.verbosity, truncation, prompt_cache_key, include, client_metadata, service_tier, background, max_tool_calls, previous_response_id, stream_options, prompt, conversation -> not sent",
        body: {
          metadata: { a: "b" },
          store: false,
          reasoning: { effort: "high", summary: "auto" },
          text: { verbosity: "low" },
          truncation: "auto",
          prompt_cache_key: "k",
          include: ["reasoning.encrypted_content"],
          client_metadata: { session_id: "s" },
          service_tier: "flex",
          background: false,
          max_tool_calls: 2,
          previous_response_id: "resp_1",
          stream_options: { include_obfuscation: false },
          prompt: { id: "pmpt_1" },
          conversation: "conv_1",
        },
        expected: {},
      },
      {
        rule: "null settings -> not sent",
        body: {
          instructions: null,
          temperature: null,
          top_p: null,
          max_output_tokens: null,
          user: null,
          top_logprobs: null,
          tools: null,
          tool_choice: null,
          text: null,
          stream: null,
        },
        expected: {},
      },
    ],
  )("$rule", ({ body, options, expected }) => {
    const { params, warnings } = convertRequestToChat(request(body), options);
    expect(params).toEqual({ model: "m", messages: [user], ...expected });
    expect(warnings).toEqual([]);
  });

  it.each<{ rule: string; body: Record<string, unknown>; expected: object; warnings: object[] }>([
    {
      rule: "non-function tools -> left out, with an unsupported_tool warning",
      body: {
        tools: [{ type: "web_search" }, weather, { type: "custom", name: "apply_patch" }],
        tool_choice: "auto",
      },
      expected: { tools: [chatWeather], tool_choice: "auto" },
      warnings: [
        {
          code: "unsupported_tool",
          message: "Tool of type 'web_search' is not supported yet; it was left out of the chat request.",
          param: "tools.0",
        },
        {
          code: "unsupported_tool",
          message:
            "Tool 'apply_patch' of type 'custom' is not supported yet; it was left out of the chat request.",
          param: "tools.2",
        },
      ],
    },
    {
      rule: "tool_choice 'required' with no tool left -> dropped, with an unsupported_tool_choice warning",
      body: { tools: [{ type: "web_search" }], tool_choice: "required" },
      expected: {},
      warnings: [
        {
          code: "unsupported_tool",
          message: "Tool of type 'web_search' is not supported yet; it was left out of the chat request.",
          param: "tools.0",
        },
        {
          code: "unsupported_tool_choice",
          message:
            "tool_choice 'required' was dropped: no tool the chat backend can call is left in the request.",
          param: "tool_choice",
        },
      ],
    },
  ])("$rule", ({ body, expected, warnings }) => {
    const result = convertRequestToChat(request(body));
    expect(result.params).toEqual({ model: "m", messages: [user], ...expected });
    expect(result.warnings).toEqual(warnings);
  });

  it.each<{
    rule: string;
    body: Record<string, unknown>;
    options?: ConvertRequestOptions;
    param: string;
    message: string;
  }>([
    {
      rule: "a function tool_choice naming a tool that is not in tools",
      body: { tools: [weather], tool_choice: { type: "function", name: "get_time" } },
      param: "tool_choice",
      message: "Tool choice 'function' names 'get_time', which is not a function tool in 'tools'.",
    },
    {
      rule: "a function tool_choice without any tools",
      body: { tool_choice: { type: "function", name: "get_time" } },
      param: "tool_choice",
      message: "Tool choice 'function' names 'get_time', which is not a function tool in 'tools'.",
    },
    {
      rule: "an allowed_tools tool_choice naming a function that is not in tools",
      body: {
        tools: [weather],
        tool_choice: { type: "allowed_tools", mode: "auto", tools: [{ type: "function", name: "nope" }] },
      },
      param: "tool_choice",
      message: "Tool choice 'allowed_tools' names 'nope', which is not a function tool in 'tools'.",
    },
    {
      rule: "a custom tool_choice (custom tools are not sent yet)",
      body: {
        tools: [{ type: "custom", name: "apply_patch" }],
        tool_choice: { type: "custom", name: "apply_patch" },
      },
      param: "tool_choice",
      message:
        "Tool choice of type 'custom' 'apply_patch' is not supported yet: that tool is not sent to the chat backend.",
    },
    {
      rule: "a hosted tool_choice (web_search_preview)",
      body: { tools: [{ type: "web_search_preview" }], tool_choice: { type: "web_search_preview" } },
      param: "tool_choice",
      message:
        "Tool choice of type 'web_search_preview' is not supported yet: that tool is not sent to the chat backend.",
    },
    {
      rule: "an input item in the history that cannot be translated (param previous_response_id)",
      body: {},
      options: { history: [{ type: "reasoning", id: "rs_1", summary: [] }] },
      param: "previous_response_id.type",
      message: "Input item type 'reasoning' is not supported yet.",
    },
    {
      rule: "a function_call_output whose call is neither in the input nor in the history",
      body: { input: [{ type: "function_call_output", call_id: "call_9", output: "x" }] },
      options: { history: [{ type: "message", role: "user", content: "hi" }] },
      param: "input.0.call_id",
      message: "No tool call found for function call output with call_id 'call_9'.",
    },
  ])("rejects $rule", ({ body, options, param, message }) => {
    expect(rejection(body, options)).toMatchObject({ status: 400, param, message });
  });

  it("does not modify the request", () => {
    const body = { model: "m", input: [user], tools: [weather], text: { format: { type: "json_object" } } };
    const copy = structuredClone(body);
    convertRequestToChat(request(body));
    expect(body).toEqual(copy);
  });
});

describe("convertRequestToChat on real Codex requests", () => {
  const functionToolNames = [
    "exec_command",
    "write_stdin",
    "request_user_input",
    "view_image",
    "get_goal",
    "create_goal",
    "update_goal",
  ];
  const droppedToolWarnings = [
    { code: "unsupported_tool", param: "tools.3" }, // custom apply_patch
    { code: "unsupported_tool", param: "tools.5" }, // namespace multi_agent_v1
    { code: "unsupported_tool", param: "tools.9" }, // web_search
  ];

  it("turn 1: developer/user messages, function tools kept, custom/namespace/web_search left out", () => {
    const { params, warnings } = convertRequestToChat(parseResponsesRequest(turn1.body));
    expect(params.model).toBe("bridge-model");
    expect(params.messages.map((message) => message.role)).toEqual(["system", "system", "user", "user"]);
    expect(params.messages[0]).toEqual({ role: "system", content: "You are a test agent." });
    expect(params.messages[3]).toEqual({ role: "user", content: "SCENARIO:shell create the file" });
    expect(params.tools?.map((tool) => (tool.type === "function" ? tool.function.name : tool.type))).toEqual(
      functionToolNames,
    );
    expect(params.tools?.[0]).toMatchObject({
      type: "function",
      function: { name: "exec_command", strict: false },
    });
    expect(params).toMatchObject({
      tool_choice: "auto",
      parallel_tool_calls: true,
      stream: true,
      stream_options: { include_usage: true },
    });
    // reasoning, store, include, prompt_cache_key and client_metadata stay out of the chat request.
    expect(Object.keys(params).sort()).toEqual(
      ["messages", "model", "parallel_tool_calls", "stream", "stream_options", "tool_choice", "tools"].sort(),
    );
    expect(warnings).toMatchObject(droppedToolWarnings);
  });

  it("turn 2: the echoed function_call and its output become assistant tool_calls + a tool message", () => {
    const { params, warnings } = convertRequestToChat(parseResponsesRequest(turn2.body));
    expect(params.messages.map((message) => message.role)).toEqual([
      "system",
      "system",
      "user",
      "user",
      "assistant",
      "tool",
    ]);
    expect(params.messages[4]).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [
        {
          id: "call_shell_resp_9366_1",
          type: "function",
          function: {
            name: "exec_command",
            arguments:
              '{"cmd":"printf \'%s\\\\n\' \'hello from codex e2e\' > codex-e2e-shell.txt && echo created","yield_time_ms":10000}',
          },
        },
      ],
    });
    expect(params.messages[5]).toEqual({
      role: "tool",
      tool_call_id: "call_shell_resp_9366_1",
      content:
        "Chunk ID: 1fc29c\nWall time: 0.0000 seconds\nProcess exited with code 0\nOriginal token count: 2\nOutput:\ncreated\n",
    });
    expect(warnings).toMatchObject(droppedToolWarnings);
  });

  it("turn 2 with a reasoning item: rejected with a 400 naming the type (until reasoning is supported)", () => {
    expect(() => parseResponsesRequest(reasoningTurn2.body)).toThrow(
      expect.objectContaining({
        status: 400,
        param: "input.4.type",
        message: expect.stringContaining("'reasoning'"),
      }),
    );
  });

  it("turn 2 with the reasoning item left out: the rest translates", () => {
    const body = {
      ...reasoningTurn2.body,
      input: reasoningTurn2.body.input.filter((item) => item.type !== "reasoning"),
    };
    const { params } = convertRequestToChat(parseResponsesRequest(body));
    expect(params.messages.map((message) => message.role)).toEqual([
      "system",
      "system",
      "user",
      "user",
      "assistant",
      "tool",
    ]);
    expect(params.messages[4]).toMatchObject({ tool_calls: [{ id: "call_shell_resp_21714_1" }] });
    expect(params).not.toHaveProperty("reasoning_effort");
  });

  it("apply_patch turn 2: the custom_tool_call item is rejected with a 400 naming the type", () => {
    expect(() => parseResponsesRequest(patchTurn2.body)).toThrow(
      expect.objectContaining({
        status: 400,
        param: "input.4.type",
        message: "Input item type 'custom_tool_call' is not supported yet.",
      }),
    );
  });

  it("apply_patch turn 2 with the custom tool items left out: the messages before them translate", () => {
    const body = {
      ...patchTurn2.body,
      input: patchTurn2.body.input.filter((item) => !item.type.startsWith("custom_tool_call")),
    };
    const { params } = convertRequestToChat(parseResponsesRequest(body));
    expect(params.messages.map((message) => message.role)).toEqual(["system", "system", "user", "user"]);
  });

  it("translates the history items exactly once (no mutation of the fixture)", () => {
    const snapshot = JSON.stringify(turn2.body);
    convertRequestToChat(parseResponsesRequest(turn2.body));
    expect(JSON.stringify(turn2.body)).toBe(snapshot);
  });
});
