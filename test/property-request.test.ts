// Property: every valid Responses request (messages, function calls and their outputs, tools,
// tool_choice, settings) parses, translates with `convertRequestToChat`, and gives a Chat Completions
// request that a strict Chat Completions schema accepts and whose tool messages answer the calls
// before them.

import {
  convertRequestToChat,
  createResponsesHandler,
  openAICompatibleUpstream,
  parseResponsesRequest,
} from "@responses-bridge/core";
import { createScriptedBackend } from "@responses-bridge/testkit";
import Ajv from "ajv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { configurePropertySeed } from "./utils/property-seed.js";

configurePropertySeed();

// ---------------------------------------------------------------------------------------------
// A compact schema of a valid Chat Completions request (what OpenAI's API accepts).
// ---------------------------------------------------------------------------------------------

const functionName = { type: "string", pattern: "^[a-zA-Z0-9_-]{1,64}$" };
const textPart = {
  type: "object",
  required: ["type", "text"],
  properties: { type: { const: "text" }, text: { type: "string" } },
  additionalProperties: false,
};
const textContent = { anyOf: [{ type: "string" }, { type: "array", items: textPart }] };
const userPart = {
  anyOf: [
    textPart,
    {
      type: "object",
      required: ["type", "image_url"],
      properties: {
        type: { const: "image_url" },
        image_url: {
          type: "object",
          required: ["url"],
          properties: { url: { type: "string", minLength: 1 }, detail: { enum: ["auto", "low", "high"] } },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  ],
};
const toolCall = {
  type: "object",
  required: ["id", "type", "function"],
  properties: {
    id: { type: "string", minLength: 1 },
    type: { const: "function" },
    function: {
      type: "object",
      required: ["name", "arguments"],
      properties: { name: functionName, arguments: { type: "string" } },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};
const message = {
  oneOf: [
    {
      type: "object",
      required: ["role", "content"],
      properties: { role: { enum: ["system", "developer"] }, content: textContent, name: { type: "string" } },
      additionalProperties: false,
    },
    {
      type: "object",
      required: ["role", "content"],
      properties: {
        role: { const: "user" },
        content: { anyOf: [{ type: "string" }, { type: "array", items: userPart, minItems: 1 }] },
        name: { type: "string" },
      },
      additionalProperties: false,
    },
    {
      type: "object",
      required: ["role"],
      properties: {
        role: { const: "assistant" },
        content: { anyOf: [{ type: "string" }, { type: "null" }, { type: "array", items: textPart }] },
        refusal: { type: ["string", "null"] },
        tool_calls: { type: "array", items: toolCall, minItems: 1 },
        name: { type: "string" },
      },
      // OpenAI: `content` is required unless `tool_calls` is given.
      anyOf: [
        { required: ["tool_calls"] },
        { required: ["content"], properties: { content: { not: { type: "null" } } } },
      ],
      additionalProperties: false,
    },
    {
      type: "object",
      required: ["role", "content", "tool_call_id"],
      properties: {
        role: { const: "tool" },
        content: textContent,
        tool_call_id: { type: "string", minLength: 1 },
      },
      additionalProperties: false,
    },
  ],
};
const chatRequestSchema = {
  type: "object",
  required: ["model", "messages"],
  properties: {
    model: { type: "string", minLength: 1 },
    messages: { type: "array", items: message, minItems: 1 },
    tools: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["type", "function"],
        properties: {
          type: { const: "function" },
          function: {
            type: "object",
            required: ["name"],
            properties: {
              name: functionName,
              description: { type: "string" },
              parameters: { type: "object" },
              strict: { type: "boolean" },
            },
            additionalProperties: false,
          },
        },
        additionalProperties: false,
      },
    },
    tool_choice: {
      anyOf: [
        { enum: ["none", "auto", "required"] },
        {
          type: "object",
          required: ["type", "function"],
          properties: {
            type: { const: "function" },
            function: {
              type: "object",
              required: ["name"],
              properties: { name: functionName },
              additionalProperties: false,
            },
          },
          additionalProperties: false,
        },
      ],
    },
    parallel_tool_calls: { type: "boolean" },
    temperature: { type: "number", minimum: 0, maximum: 2 },
    top_p: { type: "number", minimum: 0, maximum: 1 },
    presence_penalty: { type: "number", minimum: -2, maximum: 2 },
    frequency_penalty: { type: "number", minimum: -2, maximum: 2 },
    max_tokens: { type: "integer", minimum: 1 },
    max_completion_tokens: { type: "integer", minimum: 1 },
    user: { type: "string", minLength: 1 },
    logprobs: { type: "boolean" },
    top_logprobs: { type: "integer", minimum: 0, maximum: 20 },
    response_format: {
      oneOf: [
        {
          type: "object",
          required: ["type"],
          properties: { type: { enum: ["text", "json_object"] } },
          additionalProperties: false,
        },
        {
          type: "object",
          required: ["type", "json_schema"],
          properties: {
            type: { const: "json_schema" },
            json_schema: {
              type: "object",
              required: ["name"],
              properties: {
                name: functionName,
                schema: { type: "object" },
                strict: { type: ["boolean", "null"] },
                description: { type: "string" },
              },
              additionalProperties: false,
            },
          },
          additionalProperties: false,
        },
      ],
    },
    reasoning_effort: { enum: ["none", "minimal", "low", "medium", "high", "xhigh"] },
    stream: { type: "boolean" },
    stream_options: {
      type: "object",
      properties: { include_usage: { type: "boolean" } },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

const validateChatRequest = new Ajv({ strict: false, allErrors: true }).compile(chatRequestSchema);

type ChatMessage = {
  role: string;
  content?: unknown;
  tool_calls?: Array<{ id: string }>;
  tool_call_id?: string;
};
type ChatParams = {
  messages: ChatMessage[];
  tools?: Array<{ function: { name: string } }>;
  tool_choice?: unknown;
  stream?: boolean;
  stream_options?: unknown;
  logprobs?: boolean;
  top_logprobs?: number;
};

/** The rules a JSON schema cannot say: calls answered in order, tool_choice naming a sent tool... */
function semanticProblems(params: ChatParams): string[] {
  const problems: string[] = [];
  const { messages } = params;
  for (let index = 0; index < messages.length; index++) {
    const current = messages[index]!;
    if (current.role === "tool") {
      // A tool message must belong to the closest assistant message with tool calls before it,
      // with only tool messages in between.
      let at = index - 1;
      while (at >= 0 && messages[at]!.role === "tool") at--;
      const owner = messages[at];
      if (owner?.role !== "assistant" || !owner.tool_calls?.some((c) => c.id === current.tool_call_id)) {
        problems.push(`messages.${index}: tool message for ${current.tool_call_id} does not follow its call`);
      }
    }
    if (current.role === "assistant" && current.tool_calls) {
      const answered = new Set<string>();
      for (let next = index + 1; next < messages.length && messages[next]!.role === "tool"; next++) {
        answered.add(messages[next]!.tool_call_id!);
      }
      for (const call of current.tool_calls) {
        if (!answered.has(call.id)) problems.push(`messages.${index}: tool call ${call.id} is not answered`);
      }
    }
  }
  const names = (params.tools ?? []).map((tool) => tool.function.name);
  if (new Set(names).size !== names.length) problems.push(`duplicate tool names ${names.join(",")}`);
  const choice = params.tool_choice as { function?: { name: string } } | string | undefined;
  if (choice !== undefined && names.length === 0) problems.push("tool_choice without tools");
  if (typeof choice === "object" && !names.includes(choice.function!.name)) {
    problems.push(`tool_choice names ${choice.function!.name}, which is not sent`);
  }
  if (params.stream_options !== undefined && params.stream !== true)
    problems.push("stream_options without stream");
  if (params.top_logprobs !== undefined && params.logprobs !== true)
    problems.push("top_logprobs without logprobs");
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Arbitrary valid Responses requests
// ---------------------------------------------------------------------------------------------

const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
);
const nonEmptyText = text.filter((value) => value.length > 0);
const identifier = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,24}$/);
const jsonArguments = fc
  .dictionary(identifier, fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean()), { maxKeys: 3 })
  .map((value) => JSON.stringify(value));

const userMessage = fc.oneof(
  fc.record({ role: fc.constantFrom("user", "system", "developer"), content: text }),
  fc.record({
    type: fc.constant("message"),
    role: fc.constantFrom("user", "system", "developer"),
    content: fc.array(fc.record({ type: fc.constant("input_text"), text }), { minLength: 1, maxLength: 3 }),
  }),
);
const assistantMessage = fc.oneof(
  fc.record({ role: fc.constant("assistant"), content: nonEmptyText }),
  fc.record({
    type: fc.constant("message"),
    role: fc.constant("assistant"),
    status: fc.constant("completed"),
    content: fc.array(
      fc.oneof(
        fc.record({ type: fc.constant("output_text"), text: nonEmptyText, annotations: fc.constant([]) }),
        fc.record({ type: fc.constant("refusal"), refusal: nonEmptyText }),
      ),
      { minLength: 1, maxLength: 2 },
    ),
  }),
);

/** A parallel tool-call turn: optional assistant text, calls, then every output (in any order). */
const toolTurn = fc
  .record({
    lead: fc.option(nonEmptyText, { nil: undefined }),
    calls: fc.uniqueArray(fc.record({ callId: identifier, name: identifier, arguments: jsonArguments }), {
      minLength: 1,
      maxLength: 3,
      selector: (call) => call.callId,
    }),
    outputs: fc.array(fc.string({ maxLength: 20 }), { minLength: 3, maxLength: 3 }),
    order: fc.constantFrom("same", "reversed"),
  })
  .map(({ lead, calls, outputs, order }) => {
    const items: unknown[] = [];
    if (lead !== undefined) items.push({ role: "assistant", content: lead });
    for (const call of calls) {
      items.push({ type: "function_call", call_id: call.callId, name: call.name, arguments: call.arguments });
    }
    const answered = order === "same" ? calls : [...calls].reverse();
    answered.forEach((call, index) => {
      items.push({ type: "function_call_output", call_id: call.callId, output: outputs[index] ?? "" });
    });
    return items;
  });

const input = fc.oneof(
  { weight: 1, arbitrary: text },
  {
    weight: 4,
    arbitrary: fc
      .array(
        fc.oneof(
          userMessage.map((item) => [item]),
          assistantMessage.map((item) => [item]),
          toolTurn,
        ),
        { minLength: 1, maxLength: 6 },
      )
      .map((turns) => turns.flat()),
  },
);

const functionTool = fc.record(
  {
    type: fc.constant("function"),
    name: identifier,
    description: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
    parameters: fc.constantFrom(
      { type: "object", properties: {} },
      { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    ),
    strict: fc.option(fc.boolean(), { nil: null }),
  },
  { requiredKeys: ["type", "name", "parameters"] },
);
const otherTool = fc.oneof(
  fc.record({ type: fc.constant("custom"), name: identifier, description: fc.string({ maxLength: 10 }) }),
  fc.record({
    type: fc.constant("namespace"),
    name: identifier,
    tools: fc.array(functionTool, { maxLength: 2 }),
  }),
  fc.constant({ type: "web_search" }),
);
const tools = fc.uniqueArray(
  fc.oneof({ weight: 4, arbitrary: functionTool }, { weight: 1, arbitrary: otherTool }),
  {
    maxLength: 4,
    selector: (tool) => (tool as { name?: string }).name ?? tool.type,
  },
);

/** tool_choice consistent with the top-level function tools. */
function toolChoiceFor(declared: ReadonlyArray<{ type: string; name?: string }>) {
  const functions = declared.filter((tool) => tool.type === "function").map((tool) => tool.name!);
  const choices: Array<fc.Arbitrary<unknown>> = [fc.constantFrom("auto", "none", "required")];
  if (functions.length > 0) {
    choices.push(fc.constantFrom(...functions).map((name) => ({ type: "function", name })));
    choices.push(
      fc.record({
        type: fc.constant("allowed_tools"),
        mode: fc.constantFrom("auto", "required"),
        tools: fc
          .subarray(functions, { minLength: 1 })
          .map((names) => names.map((name) => ({ type: "function", name }))),
      }),
    );
  }
  return fc.oneof(...choices);
}

const settings = fc.record(
  {
    instructions: fc.option(text, { nil: null }),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    top_p: fc.double({ min: 0, max: 1, noNaN: true }),
    presence_penalty: fc.double({ min: -2, max: 2, noNaN: true }),
    frequency_penalty: fc.double({ min: -2, max: 2, noNaN: true }),
    max_output_tokens: fc.integer({ min: 1, max: 200_000 }),
    top_logprobs: fc.integer({ min: 0, max: 20 }),
    user: fc.string({ maxLength: 12 }),
    safety_identifier: fc.string({ maxLength: 12 }),
    parallel_tool_calls: fc.boolean(),
    store: fc.boolean(),
    stream: fc.boolean(),
    metadata: fc.dictionary(identifier, fc.string({ maxLength: 20 }), { maxKeys: 3 }),
    truncation: fc.constantFrom("auto", "disabled"),
    reasoning: fc.record(
      {
        effort: fc.constantFrom("none", "minimal", "low", "medium", "high", "xhigh"),
        summary: fc.constantFrom("auto", "concise", "detailed"),
      },
      { requiredKeys: [] },
    ),
    text: fc.record({
      format: fc.oneof(
        fc.constant({ type: "text" }),
        fc.constant({ type: "json_object" }),
        fc.record(
          {
            type: fc.constant("json_schema"),
            name: identifier,
            schema: fc.constant({ type: "object", properties: { answer: { type: "string" } } }),
            strict: fc.boolean(),
            description: fc.string({ maxLength: 10 }),
          },
          { requiredKeys: ["type", "name", "schema"] },
        ),
      ),
    }),
  },
  { requiredKeys: [] },
);

const request = fc
  .record({
    model: identifier,
    input,
    tools: fc.option(tools, { nil: undefined }),
    settings,
  })
  .chain(({ model, input, tools, settings }) =>
    fc.record({ choice: fc.option(toolChoiceFor(tools ?? []), { nil: undefined }) }).map(({ choice }) => ({
      model,
      input,
      ...settings,
      ...(tools === undefined ? {} : { tools }),
      ...(choice === undefined || tools === undefined ? {} : { tool_choice: choice }),
    })),
  );

describe("property: Responses request -> Chat Completions request", () => {
  it("every valid request translates to a valid chat request", () => {
    fc.assert(
      fc.property(
        request,
        fc.constantFrom(
          undefined,
          { developerRole: true },
          { maxTokensField: "max_completion_tokens" as const },
        ),
        (body, capabilities) => {
          const parsed = parseResponsesRequest(structuredClone(body));
          const { params } = convertRequestToChat(parsed, capabilities ? { capabilities } : {});
          const valid = validateChatRequest(params);
          const problems = [
            ...(valid ? [] : (validateChatRequest.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)),
            ...semanticProblems(params as unknown as ChatParams),
          ];
          if (problems.length > 0) {
            throw new Error(
              `${problems.join("\n")}\nparams: ${JSON.stringify(params, null, 1).slice(0, 3000)}`,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("translation is pure: the same request gives the same chat request, and the request is not mutated", () => {
    fc.assert(
      fc.property(request, (body) => {
        const parsed = parseResponsesRequest(structuredClone(body));
        const before = JSON.stringify(parsed);
        const first = convertRequestToChat(parsed).params;
        const second = convertRequestToChat(parsed).params;
        expect(JSON.stringify(parsed)).toBe(before);
        expect(second).toEqual(first);
      }),
      { numRuns: 100 },
    );
  });

  it("the oracles are not vacuous: they reject what chat backends reject", () => {
    const bad: unknown[] = [
      { model: "m", messages: [] },
      { model: "m", messages: [{ role: "assistant", content: null }] },
      { model: "m", messages: [{ role: "tool", content: "x", tool_call_id: "" }] },
      {
        model: "m",
        messages: [{ role: "user", content: "x" }],
        tools: [{ type: "function", function: { name: "a b" } }],
      },
      { model: "m", messages: [{ role: "user", content: "x" }], temperature: 3 },
    ];
    for (const params of bad) expect(validateChatRequest(params)).toBe(false);
    expect(
      semanticProblems({
        messages: [
          { role: "user", content: "x" },
          { role: "tool", content: "y", tool_call_id: "c1" },
        ],
      }),
    ).not.toEqual([]);
    expect(
      semanticProblems({
        messages: [
          { role: "assistant", tool_calls: [{ id: "c1" }, { id: "c2" }] },
          { role: "tool", content: "y", tool_call_id: "c1" },
          { role: "user", content: "x" },
        ],
      }),
    ).not.toEqual([]);
  });

  // BUG: packages/core/src/translate/request-to-chat.ts (or the handler before the upstream call): a
  // request with no input at all — `{"model":"m","input":[]}`, `{"model":"m"}`, or input made only of
  // items the chat side drops such as `[{"type":"reasoning","summary":[]}]` — is sent upstream as
  // `"messages": []`, which OpenAI, vLLM and llama.cpp reject (`[] is too short - 'messages'`), so the
  // client gets the backend's wording (or, with a lenient backend, a reply to nothing).
  // Expected: 400 invalid_request_error from the bridge, `param: "input"`, no upstream call.
  // Actual: the upstream is called with `messages: []` (the scripted backend answers 200).
  it("a request that leaves no chat message is a 400 without an upstream call", async () => {
    const backend = createScriptedBackend();
    const handler = createResponsesHandler({
      upstream: openAICompatibleUpstream({ baseURL: "http://upstream.test/v1", fetch: backend.fetch }),
      keepAliveMs: 0,
    });
    for (const body of [
      { model: "m", input: [] },
      { model: "m" },
      { model: "m", input: [{ type: "reasoning", summary: [] }] },
    ]) {
      const response = await handler.fetch(
        new Request("http://bridge.test/v1/responses", { method: "POST", body: JSON.stringify(body) }),
      );
      expect(response.status).toBe(400);
    }
    expect(backend.requests).toHaveLength(0);
  });
});
