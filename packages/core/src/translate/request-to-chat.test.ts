import { zodTextFormat } from "openai/helpers/zod";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ResponsesBridgeError } from "../errors.js";
import { parseResponsesRequest } from "../schema/responses-request.js";
import type { ResponseCreateParams, ToolBinding } from "../types.js";
import { LOCAL_SHELL_PARAMETERS } from "./items/local-shell-call.js";
import { describeCustomFormat } from "./request/tools.js";
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
        rule: "metadata, store, reasoning.summary, text.verbosity, truncation, prompt_cache_key, include, client_metadata, service_tier, background, max_tool_calls, previous_response_id, stream_options, prompt, conversation -> not sent",
        body: {
          metadata: { a: "b" },
          store: false,
          reasoning: { summary: "auto", generate_summary: "auto", context: "all_turns" },
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
      rule: "a custom tool_choice naming a tool that is not a custom tool",
      body: { tools: [weather], tool_choice: { type: "custom", name: "get_weather" } },
      param: "tool_choice",
      message: "Tool choice 'custom' names 'get_weather', which is not a custom tool in 'tools'.",
    },
    {
      rule: "a hosted tool_choice (web_search_preview): that tool is dropped",
      body: { tools: [{ type: "web_search_preview" }], tool_choice: { type: "web_search_preview" } },
      param: "tool_choice",
      message:
        "Tool choice 'web_search_preview' is not supported: 'web_search_preview' tools cannot run on this server's chat backend, so they are left out of the request.",
    },
    {
      rule: "an mcp tool_choice",
      body: { tools: [{ type: "mcp", server_label: "s" }], tool_choice: { type: "mcp", server_label: "s" } },
      param: "tool_choice",
      message:
        "Tool choice 'mcp' is not supported: 'mcp' tools cannot run on this server's chat backend, so they are left out of the request.",
    },
    {
      rule: "an allowed_tools tool_choice naming a hosted tool",
      body: {
        tools: [weather, { type: "web_search" }],
        tool_choice: {
          type: "allowed_tools",
          mode: "auto",
          tools: [{ type: "function", name: "get_weather" }, { type: "web_search" }],
        },
      },
      param: "tool_choice",
      message:
        "Tool choice 'web_search' is not supported: 'web_search' tools cannot run on this server's chat backend, so they are left out of the request.",
    },
    {
      rule: "a local_shell tool_choice without the local_shell tool",
      body: { tools: [weather], tool_choice: { type: "local_shell" } },
      param: "tool_choice",
      message:
        "Tool choice 'local_shell' is not supported: 'local_shell' tools cannot run on this server's chat backend, so they are left out of the request.",
    },
    {
      rule: "a local_shell tool_choice when only a client function is called local_shell",
      body: {
        tools: [{ type: "function", name: "local_shell", parameters: null, strict: null }],
        tool_choice: { type: "local_shell" },
      },
      param: "tool_choice",
      message:
        "Tool choice 'local_shell' is not supported: 'local_shell' tools cannot run on this server's chat backend, so they are left out of the request.",
    },
    {
      rule: "a hosted tool with hostedTools: 'reject'",
      body: { tools: [weather, { type: "web_search", external_web_access: true }] },
      options: { hostedTools: "reject" },
      param: "tools.1",
      message: "Tool 'web_search' is not supported: this server's chat backend cannot run hosted tools.",
    },
    {
      rule: "an input item in the history that cannot be translated (param previous_response_id)",
      body: {},
      options: { history: [{ type: "message", role: "user", content: [{ type: "input_audio" }] } as never] },
      param: "previous_response_id.content.0.type",
      message:
        "Invalid value for 'previous_response_id.content.0.type': 'input_audio'. Supported values are: 'input_text', 'output_text', 'refusal', 'input_image' and 'input_file'.",
    },
    {
      rule: "an item_reference that was not fetched",
      body: { input: [{ type: "item_reference", id: "msg_1" }] },
      options: { referencedItems: new Map() },
      param: "input.0.id",
      message: "Item with id 'msg_1' not found.",
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

const lark = { type: "grammar", syntax: "lark", definition: 'start: "x"' } as const;
const applyPatch = { type: "custom", name: "apply_patch", description: "Edit files.", format: lark };
const chatApplyPatch = {
  type: "function",
  function: {
    name: "apply_patch",
    description: `Edit files.\n\n${describeCustomFormat(lark)}`,
    parameters: {
      type: "object",
      properties: { input: { type: "string", description: expect.any(String) } },
      required: ["input"],
      additionalProperties: false,
    },
  },
};
const agents = {
  type: "namespace",
  name: "multi_agent_v1",
  description: "Sub-agents.",
  tools: [
    {
      type: "function",
      name: "spawn_agent",
      description: "Spawn.",
      parameters: { type: "object" },
      strict: false,
    },
    { type: "function", name: "wait_agent", description: "Wait." },
  ],
};
const chatSpawn = {
  type: "function",
  function: {
    name: "multi_agent_v1__spawn_agent",
    description: "Sub-agents.\n\nSpawn.",
    parameters: { type: "object" },
    strict: false,
  },
};
const chatWait = {
  type: "function",
  function: { name: "multi_agent_v1__wait_agent", description: "Sub-agents.\n\nWait." },
};

describe("convertRequestToChat tools and bindings", () => {
  it.each<{
    rule: string;
    body: Record<string, unknown>;
    options?: ConvertRequestOptions;
    expected: object;
    bindings: [string, ToolBinding][];
    warnings?: object[];
  }>([
    {
      rule: "custom tool -> function with one string `input` (grammar in the description), binding custom",
      body: { tools: [applyPatch] },
      expected: { tools: [chatApplyPatch] },
      bindings: [["apply_patch", { kind: "custom", name: "apply_patch" }]],
    },
    {
      rule: "custom tool + tool_choice custom -> function tool choice",
      body: { tools: [weather, applyPatch], tool_choice: { type: "custom", name: "apply_patch" } },
      expected: {
        tools: [chatWeather, chatApplyPatch],
        tool_choice: { type: "function", function: { name: "apply_patch" } },
      },
      bindings: [
        ["get_weather", { kind: "function", name: "get_weather" }],
        ["apply_patch", { kind: "custom", name: "apply_patch" }],
      ],
    },
    {
      rule: "custom tool -> native chat custom tool and custom tool choice (capabilities.customTools)",
      body: { tools: [applyPatch], tool_choice: { type: "custom", name: "apply_patch" } },
      options: { capabilities: { customTools: true } },
      expected: {
        tools: [
          {
            type: "custom",
            custom: {
              name: "apply_patch",
              description: "Edit files.",
              format: { type: "grammar", grammar: { syntax: "lark", definition: 'start: "x"' } },
            },
          },
        ],
        tool_choice: { type: "custom", custom: { name: "apply_patch" } },
      },
      bindings: [["apply_patch", { kind: "custom", name: "apply_patch" }]],
    },
    {
      rule: "namespace -> flattened functions; bindings carry the namespace",
      body: { tools: [agents] },
      expected: { tools: [chatSpawn, chatWait] },
      bindings: [
        [
          "multi_agent_v1__spawn_agent",
          { kind: "function", name: "spawn_agent", namespace: "multi_agent_v1" },
        ],
        ["multi_agent_v1__wait_agent", { kind: "function", name: "wait_agent", namespace: "multi_agent_v1" }],
      ],
    },
    {
      rule: "tool_choice function naming a namespaced tool by its bare name -> its flattened name",
      body: { tools: [agents], tool_choice: { type: "function", name: "wait_agent" } },
      expected: {
        tools: [chatSpawn, chatWait],
        tool_choice: { type: "function", function: { name: "multi_agent_v1__wait_agent" } },
      },
      bindings: [
        [
          "multi_agent_v1__spawn_agent",
          { kind: "function", name: "spawn_agent", namespace: "multi_agent_v1" },
        ],
        ["multi_agent_v1__wait_agent", { kind: "function", name: "wait_agent", namespace: "multi_agent_v1" }],
      ],
    },
    {
      rule: "allowed_tools naming a namespace and a custom tool -> those tools only",
      body: {
        tools: [weather, applyPatch, agents],
        tool_choice: {
          type: "allowed_tools",
          mode: "auto",
          tools: [
            { type: "namespace", name: "multi_agent_v1" },
            { type: "custom", name: "apply_patch" },
          ],
        },
      },
      expected: { tools: [chatApplyPatch, chatSpawn, chatWait], tool_choice: "auto" },
      bindings: [
        ["get_weather", { kind: "function", name: "get_weather" }],
        ["apply_patch", { kind: "custom", name: "apply_patch" }],
        [
          "multi_agent_v1__spawn_agent",
          { kind: "function", name: "spawn_agent", namespace: "multi_agent_v1" },
        ],
        ["multi_agent_v1__wait_agent", { kind: "function", name: "wait_agent", namespace: "multi_agent_v1" }],
      ],
    },
    {
      rule: "local_shell -> function local_shell with the exec schema; tool_choice local_shell",
      body: { tools: [{ type: "local_shell" }], tool_choice: { type: "local_shell" } },
      expected: {
        tools: [
          {
            type: "function",
            function: {
              name: "local_shell",
              description: expect.any(String),
              parameters: LOCAL_SHELL_PARAMETERS,
            },
          },
        ],
        tool_choice: { type: "function", function: { name: "local_shell" } },
      },
      bindings: [["local_shell", { kind: "local_shell", name: "local_shell" }]],
    },
    {
      rule: "additional_tools input item (Codex code mode) -> hoisted into the tools, no message",
      body: {
        input: [
          {
            type: "additional_tools",
            role: "developer",
            tools: [
              {
                type: "namespace",
                name: "functions",
                description: "",
                tools: [{ ...applyPatch, name: "exec" }],
              },
              { type: "web_search" },
            ],
          },
          user,
        ],
      },
      expected: {
        tools: [
          {
            ...chatApplyPatch,
            function: { ...chatApplyPatch.function, name: "functions__exec" },
          },
        ],
      },
      bindings: [["functions__exec", { kind: "custom", name: "exec", namespace: "functions" }]],
      warnings: [
        {
          code: "unsupported_tool",
          message:
            "Tool 'web_search' was left out of the chat request: the chat backend cannot run hosted tools.",
          param: "input.0.tools.1",
        },
      ],
    },
    {
      rule: "hosted tools -> left out with warnings; tool_choice 'required' with no tool left -> dropped with a warning",
      body: {
        tools: [{ type: "web_search" }, { type: "tool_search", execution: "client" }],
        tool_choice: "required",
      },
      expected: {},
      bindings: [],
      warnings: [
        {
          code: "unsupported_tool",
          message:
            "Tool 'web_search' was left out of the chat request: the chat backend cannot run hosted tools.",
          param: "tools.0",
        },
        {
          code: "unsupported_tool",
          message:
            "Tool 'tool_search' was left out of the chat request: the chat backend cannot run hosted tools.",
          param: "tools.1",
        },
        {
          code: "unsupported_tool_choice",
          message:
            "tool_choice 'required' was dropped: no tool the chat backend can call is left in the request.",
          param: "tool_choice",
        },
      ],
    },
  ])("$rule", ({ body, options, expected, bindings, warnings }) => {
    const result = convertRequestToChat(request(body), options);
    expect(result.params).toEqual({ model: "m", messages: [user], ...expected });
    expect([...result.tools]).toEqual(bindings);
    expect(result.warnings).toEqual(warnings ?? []);
  });

  it("history items use the chat names: namespaced function_call, custom_tool_call, local_shell_call", () => {
    const { params } = convertRequestToChat(
      request({
        tools: [agents, applyPatch, { type: "local_shell" }],
        input: [
          user,
          {
            type: "function_call",
            call_id: "c1",
            name: "wait_agent",
            namespace: "multi_agent_v1",
            arguments: "{}",
          },
          { type: "custom_tool_call", call_id: "c2", name: "apply_patch", input: "*** Begin Patch" },
          { type: "local_shell_call", call_id: "c3", action: { type: "exec", command: ["ls"], env: {} } },
          { type: "function_call_output", call_id: "c1", output: "done" },
          { type: "custom_tool_call_output", call_id: "c2", output: "patched" },
          { type: "local_shell_call_output", id: "c3", output: "a.txt" },
        ],
      }),
    );
    expect(params.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "c1", type: "function", function: { name: "multi_agent_v1__wait_agent", arguments: "{}" } },
          {
            id: "c2",
            type: "function",
            function: { name: "apply_patch", arguments: '{"input":"*** Begin Patch"}' },
          },
          { id: "c3", type: "function", function: { name: "local_shell", arguments: '{"command":["ls"]}' } },
        ],
      },
      { role: "tool", tool_call_id: "c1", content: "done" },
      { role: "tool", tool_call_id: "c2", content: "patched" },
      { role: "tool", tool_call_id: "c3", content: "a.txt" },
    ]);
  });

  it("orphan outputs (synthesize) -> a call to the only declared tool of that kind", () => {
    const { params, warnings } = convertRequestToChat(
      request({
        tools: [weather, applyPatch],
        input: [
          user,
          { type: "function_call_output", call_id: "c1", output: "sunny" },
          { type: "custom_tool_call_output", call_id: "c2", output: "patched" },
        ],
      }),
      { orphanToolOutputs: "synthesize" },
    );
    expect(params.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "get_weather", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "c1", content: "sunny" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c2", type: "function", function: { name: "apply_patch", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "c2", content: "patched" },
    ]);
    expect(warnings.map((warning) => warning.code)).toEqual([
      "synthesized_tool_call",
      "synthesized_tool_call",
    ]);
  });
});

describe("convertRequestToChat reasoning, multimodal, references, truncation, structured output", () => {
  it.each<{
    rule: string;
    body: Record<string, unknown>;
    options?: ConvertRequestOptions;
    expected: object;
    warnings?: object[];
  }>([
    ...["low", "medium", "high"].map((effort) => ({
      rule: `reasoning.effort ${effort} -> reasoning_effort ${effort} (default field)`,
      body: { reasoning: { effort, summary: "detailed" } },
      expected: { reasoning_effort: effort },
    })),
    {
      rule: "reasoning.effort -> reasoning: {effort} (capabilities.reasoningEffort reasoning_object, OpenRouter)",
      body: { reasoning: { effort: "high", summary: "auto" } },
      options: { capabilities: { reasoningEffort: "reasoning_object" } },
      expected: { reasoning: { effort: "high" } },
    },
    {
      rule: "reasoning.effort -> nothing (capabilities.reasoningEffort none)",
      body: { reasoning: { effort: "high" } },
      options: { capabilities: { reasoningEffort: "none" } },
      expected: {},
    },
    {
      rule: "reasoning.effort minimal -> low, with a warning",
      body: { reasoning: { effort: "minimal" } },
      expected: { reasoning_effort: "low" },
      warnings: [
        {
          code: "reasoning_effort_mapped",
          message: "reasoning.effort 'minimal' is not supported by the chat backend; 'low' was sent instead.",
          param: "reasoning.effort",
        },
      ],
    },
    {
      rule: "reasoning.effort xhigh -> high, with a warning",
      body: { reasoning: { effort: "xhigh" } },
      expected: { reasoning_effort: "high" },
      warnings: [
        {
          code: "reasoning_effort_mapped",
          message: "reasoning.effort 'xhigh' is not supported by the chat backend; 'high' was sent instead.",
          param: "reasoning.effort",
        },
      ],
    },
    ...["none", "turbo"].map((effort) => ({
      rule: `reasoning.effort ${effort} -> not sent, with a warning`,
      body: { reasoning: { effort } },
      expected: {},
      warnings: [
        {
          code: "reasoning_effort_mapped",
          message: `reasoning.effort '${effort}' is not supported by the chat backend; no effort was sent.`,
          param: "reasoning.effort",
        },
      ],
    })),
    {
      rule: "reasoning.effort minimal / none -> sent as they are when accepted (acceptedReasoningEfforts, OpenAI)",
      body: { reasoning: { effort: "none" } },
      options: { acceptedReasoningEfforts: ["none", "minimal", "low", "medium", "high", "xhigh"] },
      expected: { reasoning_effort: "none" },
    },
    {
      rule: "text.format from the openai SDK's zodTextFormat (responses.parse) -> response_format json_schema strict",
      body: { text: { format: zodTextFormat(z.object({ city: z.string() }), "weather") } },
      expected: {
        response_format: {
          type: "json_schema",
          json_schema: {
            name: "weather",
            strict: true,
            schema: {
              $schema: "http://json-schema.org/draft-07/schema#",
              type: "object",
              properties: { city: { type: "string" } },
              required: ["city"],
              additionalProperties: false,
            },
          },
        },
      },
    },
    {
      rule: "truncation auto without contextWindow -> nothing dropped",
      body: { truncation: "auto" },
      expected: {},
    },
  ])("$rule", ({ body, options, expected, warnings }) => {
    const result = convertRequestToChat(request(body), options);
    expect(result.params).toEqual({ model: "m", messages: [user], ...expected });
    expect(result.warnings).toEqual(warnings ?? []);
  });

  const longHistory = [
    { role: "user", content: `old question ${"x".repeat(400)}` },
    { role: "assistant", content: `old answer ${"y".repeat(400)}` },
    { role: "user", content: "new question" },
  ];

  it("truncation auto + contextWindow -> the oldest turn is left out, with a warning", () => {
    const { params, warnings } = convertRequestToChat(
      request({ instructions: "Be brief.", truncation: "auto", input: longHistory }),
      { contextWindow: 100 },
    );
    expect(params.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "new question" },
    ]);
    expect(warnings).toEqual([
      {
        code: "truncated",
        message: expect.stringMatching(
          /^truncation 'auto' left out the 2 oldest messages: the request \(about \d+ tokens, estimated at 4 characters per token\) exceeded the context window of 100 tokens\.$/,
        ),
        param: "truncation",
      },
    ]);
  });

  it("truncation disabled + contextWindow -> nothing dropped", () => {
    const { params, warnings } = convertRequestToChat(
      request({ truncation: "disabled", input: longHistory }),
      {
        contextWindow: 100,
      },
    );
    expect(params.messages).toHaveLength(3);
    expect(warnings).toEqual([]);
  });

  it("reasoning items -> reasoning_content on the next assistant message (capabilities.replayReasoning)", () => {
    const body = {
      input: [
        user,
        { type: "reasoning", id: "rs_1", summary: [], content: [{ type: "reasoning_text", text: "think" }] },
        { type: "function_call", call_id: "c1", name: "get_weather", arguments: "{}" },
        { type: "function_call_output", call_id: "c1", output: "sunny" },
      ],
    };
    const replayed = convertRequestToChat(request(body), {
      capabilities: { replayReasoning: true, reasoningField: "reasoning" },
    });
    expect(replayed.params.messages[1]).toMatchObject({ role: "assistant", reasoning: "think" });
    const dropped = convertRequestToChat(request(body));
    expect(dropped.params.messages[1]).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [{ id: "c1", type: "function", function: { name: "get_weather", arguments: "{}" } }],
    });
  });

  it("item_reference -> the item from referencedItems", () => {
    const { params } = convertRequestToChat(
      request({ input: [user, { type: "item_reference", id: "msg_1" }, { role: "user", content: "more" }] }),
      {
        referencedItems: new Map([
          [
            "msg_1",
            {
              type: "message",
              id: "msg_1",
              role: "assistant",
              status: "completed",
              content: [{ type: "output_text", text: "Hello!", annotations: [] }],
            },
          ],
        ]),
      },
    );
    expect(params.messages).toEqual([
      user,
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "more" },
    ]);
  });

  it("input_file text -> inlined when the backend has no file parts (fileParts: false)", () => {
    const body = {
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "Read this:" },
            {
              type: "input_file",
              filename: "notes.md",
              file_data: `data:text/markdown;base64,${btoa("# Notes")}`,
            },
          ],
        },
      ],
    };
    expect(convertRequestToChat(request(body), { fileParts: false }).params.messages).toEqual([
      { role: "user", content: 'Read this:\n\n<file name="notes.md">\n# Notes\n</file>' },
    ]);
    expect(convertRequestToChat(request(body)).params.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "Read this:" },
          {
            type: "file",
            file: { filename: "notes.md", file_data: `data:text/markdown;base64,${btoa("# Notes")}` },
          },
        ],
      },
    ]);
  });
});
