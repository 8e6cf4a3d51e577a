// Proves the Open Responses schema oracle can fail: it must reject broken objects and events and
// accept minimal hand-built valid ones, or a green test using it would mean nothing.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  assertValidEventStream,
  specEventTypes,
  validateResponseEvent,
  validateResponseObject,
} from "./utils/openresponses-schema.js";

/** The 31 keys `ResponseResource` requires (listed in packages/testkit/spec/README.md). */
const REQUIRED_RESPONSE_KEYS = [
  "id",
  "object",
  "created_at",
  "completed_at",
  "status",
  "incomplete_details",
  "model",
  "previous_response_id",
  "instructions",
  "output",
  "error",
  "tools",
  "tool_choice",
  "truncation",
  "parallel_tool_calls",
  "text",
  "top_p",
  "presence_penalty",
  "frequency_penalty",
  "top_logprobs",
  "temperature",
  "reasoning",
  "usage",
  "max_output_tokens",
  "max_tool_calls",
  "store",
  "background",
  "service_tier",
  "metadata",
  "safety_identifier",
  "prompt_cache_key",
] as const;

function validResponse(): Record<string, any> {
  return {
    id: "resp_0123456789abcdef0123456789abcdef",
    object: "response",
    created_at: 1_767_225_600,
    completed_at: 1_767_225_601,
    status: "completed",
    incomplete_details: null,
    model: "llama3.2",
    previous_response_id: null,
    instructions: null,
    output: [
      {
        type: "message",
        id: "msg_0123456789abcdef",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Hello!", annotations: [], logprobs: [] }],
      },
      {
        type: "function_call",
        id: "fc_0123456789abcdef",
        call_id: "call_1",
        name: "get_weather",
        arguments: '{"city":"Paris"}',
        status: "completed",
      },
    ],
    error: null,
    tools: [
      {
        type: "function",
        name: "get_weather",
        description: null,
        parameters: { type: "object", properties: { city: { type: "string" } } },
        strict: null,
      },
    ],
    tool_choice: "auto",
    truncation: "disabled",
    parallel_tool_calls: true,
    text: { format: { type: "text" } },
    top_p: 1,
    presence_penalty: 0,
    frequency_penalty: 0,
    top_logprobs: 0,
    temperature: 1,
    reasoning: null,
    usage: {
      input_tokens: 12,
      output_tokens: 5,
      total_tokens: 17,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens_details: { reasoning_tokens: 0 },
    },
    max_output_tokens: null,
    max_tool_calls: null,
    store: true,
    background: false,
    service_tier: "default",
    metadata: {},
    safety_identifier: null,
    prompt_cache_key: null,
  };
}

function textDelta(sequenceNumber: number, delta = "Hel"): Record<string, any> {
  return {
    type: "response.output_text.delta",
    sequence_number: sequenceNumber,
    item_id: "msg_0123456789abcdef",
    output_index: 0,
    content_index: 0,
    delta,
    logprobs: [],
  };
}

/** Parses `event: ...\ndata: ...\n\n` text into the JSON payloads. */
function parseSSE(text: string): unknown[] {
  return text
    .split("\n\n")
    .map((block) => block.split("\n").find((line) => line.startsWith("data: ")))
    .filter((line): line is string => line !== undefined && line !== "data: [DONE]")
    .map((line) => JSON.parse(line.slice("data: ".length)));
}

describe("validateResponseObject", () => {
  it("accepts a minimal hand-built valid Response (message + function call)", () => {
    expect(() => validateResponseObject(validResponse())).not.toThrow();
  });

  it("accepts a failed Response with an error and an incomplete one with details", () => {
    expect(() =>
      validateResponseObject({
        ...validResponse(),
        status: "failed",
        error: { code: "server_error", message: "boom" },
      }),
    ).not.toThrow();
    expect(() =>
      validateResponseObject({
        ...validResponse(),
        status: "incomplete",
        incomplete_details: { reason: "max_output_tokens" },
      }),
    ).not.toThrow();
  });

  it.each(REQUIRED_RESPONSE_KEYS)("rejects a Response without %s", (key) => {
    const response = validResponse();
    delete response[key];
    expect(() => validateResponseObject(response)).toThrow(new RegExp(`required property '${key}'`));
  });

  it.each([
    ["object is not 'response'", (r: Record<string, any>) => (r.object = "chat.completion")],
    ["created_at is a string", (r: Record<string, any>) => (r.created_at = "2026-01-01")],
    ["output is not an array", (r: Record<string, any>) => (r.output = {})],
    ["temperature is null", (r: Record<string, any>) => (r.temperature = null)],
    ["usage.input_tokens is a string", (r: Record<string, any>) => (r.usage.input_tokens = "12")],
    ["usage lacks input_tokens_details", (r: Record<string, any>) => delete r.usage.input_tokens_details],
    ["output_text lacks annotations", (r: Record<string, any>) => delete r.output[0].content[0].annotations],
    ["message has an unknown role", (r: Record<string, any>) => (r.output[0].role = "tool")],
    ["function_call lacks call_id", (r: Record<string, any>) => delete r.output[1].call_id],
    [
      "function_call arguments is an object",
      (r: Record<string, any>) => (r.output[1].arguments = { city: "Paris" }),
    ],
    ["function tool lacks strict", (r: Record<string, any>) => delete r.tools[0].strict],
    ["tool_choice is not a known value", (r: Record<string, any>) => (r.tool_choice = "sometimes")],
    ["truncation is not a known value", (r: Record<string, any>) => (r.truncation = "never")],
    ["error lacks code", (r: Record<string, any>) => (r.error = { message: "boom" })],
  ])("rejects a Response whose %s", (_name, breakIt) => {
    const response = validResponse();
    breakIt(response);
    expect(() => validateResponseObject(response)).toThrow(/does not match the Open Responses schema/);
  });

  it("rejects values that are not objects", () => {
    for (const value of [null, undefined, 42, "response", []]) {
      expect(() => validateResponseObject(value)).toThrow();
    }
  });

  it("puts ajv's errorsText and the offending JSON in the error message", () => {
    const response = validResponse();
    delete response.usage;
    expect(() => validateResponseObject(response)).toThrow(
      /must have required property 'usage'[\s\S]*"model": "llama3.2"/,
    );
  });
});

describe("validateResponseEvent", () => {
  it("knows the 24 event types the spec lists for text/event-stream", () => {
    const types = specEventTypes();
    expect(types).toHaveLength(24);
    expect(types).toContain("response.output_text.delta");
    expect(types).toContain("response.function_call_arguments.done");
    expect(types).not.toContain("response.custom_tool_call_input.delta");
  });

  it("accepts a valid response.output_text.delta event", () => {
    expect(validateResponseEvent(textDelta(3))).toEqual({
      type: "response.output_text.delta",
      validated: true,
    });
  });

  it.each([
    ["without item_id", (e: Record<string, any>) => delete e.item_id],
    ["without sequence_number", (e: Record<string, any>) => delete e.sequence_number],
    ["without content_index", (e: Record<string, any>) => delete e.content_index],
    ["with a numeric delta", (e: Record<string, any>) => (e.delta = 42)],
    ["with a string output_index", (e: Record<string, any>) => (e.output_index = "0")],
  ])("rejects a response.output_text.delta %s", (_name, breakIt) => {
    const event = textDelta(3);
    breakIt(event);
    expect(() => validateResponseEvent(event)).toThrow(/Event response.output_text.delta/);
  });

  it("validates the Response inside lifecycle events", () => {
    const completed = { type: "response.completed", sequence_number: 9, response: validResponse() };
    expect(validateResponseEvent(completed).validated).toBe(true);
    const broken = { ...completed, response: { ...validResponse(), tools: undefined } };
    delete broken.response.tools;
    expect(() => validateResponseEvent(broken)).toThrow(/required property 'tools'/);
  });

  it("skips, and reports, only event types the spec does not list", () => {
    const custom = {
      type: "response.custom_tool_call_input.delta",
      sequence_number: 4,
      item_id: "ctc_1",
      output_index: 0,
      delta: "*** Begin Patch",
    };
    expect(validateResponseEvent(custom)).toEqual({
      type: "response.custom_tool_call_input.delta",
      validated: false,
      skippedType: "response.custom_tool_call_input.delta",
    });
    // An unknown type still needs the envelope every event has.
    expect(() => validateResponseEvent({ ...custom, sequence_number: undefined })).toThrow(/sequence_number/);
  });

  it("rejects payloads that are not events", () => {
    for (const value of [null, "response.created", [textDelta(0)], { sequence_number: 0 }]) {
      expect(() => validateResponseEvent(value)).toThrow();
    }
  });
});

describe("assertValidEventStream", () => {
  const message = validResponse().output[0];
  const inProgress = {
    ...validResponse(),
    status: "in_progress",
    completed_at: null,
    output: [],
    usage: null,
  };
  const validStream = () => [
    { type: "response.created", sequence_number: 0, response: inProgress },
    { type: "response.in_progress", sequence_number: 1, response: inProgress },
    {
      type: "response.output_item.added",
      sequence_number: 2,
      output_index: 0,
      item: { ...message, status: "in_progress", content: [] },
    },
    {
      type: "response.content_part.added",
      sequence_number: 3,
      item_id: message.id,
      output_index: 0,
      content_index: 0,
      part: { type: "output_text", text: "", annotations: [], logprobs: [] },
    },
    textDelta(4, "Hel"),
    textDelta(5, "lo!"),
    {
      type: "response.output_text.done",
      sequence_number: 6,
      item_id: message.id,
      output_index: 0,
      content_index: 0,
      text: "Hello!",
      logprobs: [],
    },
    {
      type: "response.content_part.done",
      sequence_number: 7,
      item_id: message.id,
      output_index: 0,
      content_index: 0,
      part: message.content[0],
    },
    { type: "response.output_item.done", sequence_number: 8, output_index: 0, item: message },
    { type: "response.completed", sequence_number: 9, response: { ...validResponse(), output: [message] } },
  ];

  it("accepts a hand-built valid text stream", () => {
    expect(assertValidEventStream(validStream())).toEqual({ validated: 10, skippedTypes: [] });
  });

  it("reports the event types it could not validate", () => {
    const events = validStream();
    events.splice(9, 0, {
      type: "response.custom_tool_call_input.done",
      sequence_number: 9,
      item_id: "ctc_1",
      output_index: 1,
      input: "x",
    } as any);
    events[10]!.sequence_number = 10;
    expect(assertValidEventStream(events)).toEqual({
      validated: 10,
      skippedTypes: ["response.custom_tool_call_input.done"],
    });
  });

  it("rejects a gap or a repeat in sequence_number", () => {
    const gap = validStream();
    gap[5]!.sequence_number = 6;
    expect(() => assertValidEventStream(gap)).toThrow(/sequence_number is 6, expected 5/);
    const restart = validStream();
    restart[0]!.sequence_number = 1;
    expect(() => assertValidEventStream(restart)).toThrow(/expected 0/);
  });

  it("rejects one broken event in an otherwise valid stream", () => {
    const events = validStream();
    delete (events[8] as Record<string, any>).item;
    expect(() => assertValidEventStream(events)).toThrow(/response.output_item.done/);
  });

  it("rejects an empty stream", () => {
    expect(() => assertValidEventStream([])).toThrow(/empty/);
  });

  it("rejects the lenient Codex mock stream, whose Response snapshots omit required keys", () => {
    const text = readFileSync(new URL("./fixtures/codex/turn1-response.sse", import.meta.url), "utf8");
    const events = parseSSE(text);
    expect(events.length).toBeGreaterThan(3);
    expect(() => assertValidEventStream(events)).toThrow(/Event response.created[\s\S]*required property/);
  });
});
