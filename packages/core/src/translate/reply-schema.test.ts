// Every Response and event the reply translators emit, checked against the Open Responses schema
// (packages/testkit/spec/openresponses-openapi.json) wherever that schema covers them.
//
// Not covered by the spec (2026-04-24), so checked here only by the SDK fold and the unit tests:
// - events `response.reasoning_text.delta/.done` (the spec names them `response.reasoning.delta/.done`;
//   the bridge sends OpenAI's names, which Codex and the openai SDK read) and
//   `response.custom_tool_call_input.delta/.done`;
// - output items `custom_tool_call` and `local_shell_call` (the spec's `ItemField` has only message,
//   function_call, function_call_output, reasoning and compaction). Responses holding them are validated
//   with those items left out, and their output_item events are skipped.
import { OPENAI_DIALECT_DIFFERENCES, SPEC_EXTENSIONS } from "@responses-bridge/testkit";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { describe, expect, it } from "vitest";
import {
  assertValidEventStream,
  validateResponseEvent,
  validateResponseObject,
} from "../../../../test/utils/openresponses-schema.js";
import { encodeSSEEvent, encodeTranslatorEvent } from "../stream/encode-sse-event.js";
import { foldChunks, loadChunksFixture, replyFixtureNames } from "../testing/fixtures.js";
import { nonStreaming, runStream } from "../testing/reply-harness.js";
import { codexBindings, replyScenarios } from "../testing/reply-scenarios.js";
import type { ResponseObject } from "../types.js";
import type { ReplyOptions } from "./reply/reply-options.js";

// The known differences, from the one list in the testkit (dialect-aware checks: ../sse/dialect.test.ts).
const UNMODELLED_ITEMS = new Set(SPEC_EXTENSIONS.items);
const UNMODELLED_EVENTS = new Set([...Object.keys(OPENAI_DIALECT_DIFFERENCES), ...SPEC_EXTENSIONS.events]);

function covered(response: ResponseObject): ResponseObject {
  return { ...response, output: response.output.filter((item) => !UNMODELLED_ITEMS.has(item.type)) };
}

/** The event as the spec can judge it: unmodelled items left out of Responses, their item events renamed. */
function checkable(event: ResponseStreamEvent): unknown {
  if ("response" in event)
    return { ...event, response: covered(event.response as unknown as ResponseObject) };
  if ("item" in event && UNMODELLED_ITEMS.has(event.item.type))
    return { ...event, type: `unmodelled:${event.type}` };
  return event;
}

/** Validates a whole stream; returns the event types the spec could not check. */
function validateStream(events: readonly ResponseStreamEvent[]): string[] {
  return assertValidEventStream(events.map(checkable)).skippedTypes;
}

function check(
  events: readonly ResponseStreamEvent[],
  final: ResponseObject,
  nonStreamingResponse: ResponseObject,
) {
  const skipped = validateStream(events);
  for (const type of skipped) {
    const original = type.replace(/^unmodelled:/, "");
    expect(UNMODELLED_EVENTS.has(original) || original.startsWith("response.output_item.")).toBe(true);
  }
  validateResponseObject(covered(final));
  validateResponseObject(covered(nonStreamingResponse));
  return skipped;
}

const cases: Array<[string, Parameters<typeof runStream>[0], ReplyOptions]> = [
  ...replyScenarios().map(
    (scenario) =>
      [`scenario: ${scenario.name}`, scenario.chunks, scenario.options] as [
        string,
        Parameters<typeof runStream>[0],
        ReplyOptions,
      ],
  ),
  ...replyFixtureNames().map((name) => {
    const options: ReplyOptions = {
      tools: codexBindings,
      reasoningSummary: true,
      includeEncryptedReasoning: true,
    };
    return [`fixture: ${name}`, loadChunksFixture(name).chunks, options] as [
      string,
      Parameters<typeof runStream>[0],
      ReplyOptions,
    ];
  }),
];

describe("Open Responses schema", () => {
  it.each(cases)("%s: every event and the Response validate", async (_name, chunks, options) => {
    const { events, final } = await runStream(chunks, options);
    check(events, final, nonStreaming(foldChunks(chunks), options));
  });

  it("checks the new event kinds it has schemas for", async () => {
    const seen = new Set<string>();
    for (const [, chunks, options] of cases) {
      const { events } = await runStream(chunks, options);
      for (const event of events) if (validateResponseEvent(checkable(event)).validated) seen.add(event.type);
    }
    for (const type of [
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.refusal.delta",
      "response.refusal.done",
      "response.content_part.added",
      "response.output_text.delta",
      "response.function_call_arguments.delta",
      "response.incomplete",
    ]) {
      expect(seen).toContain(type);
    }
  });

  it("the handler's template encoder writes every event byte for byte as encodeSSEEvent does", async () => {
    const templated = new Set<string>();
    for (const [, chunks, options] of cases) {
      const { events } = await runStream(chunks, options);
      for (const event of events) {
        const fast = encodeTranslatorEvent(event);
        expect(fast).toBe(encodeSSEEvent(event));
        if (event.type.endsWith(".delta")) templated.add(event.type);
      }
    }
    // Every delta kind with a template is exercised (logprob-carrying text deltas take the generic path).
    for (const type of [
      "response.output_text.delta",
      "response.function_call_arguments.delta",
      "response.custom_tool_call_input.delta",
      "response.reasoning_text.delta",
    ]) {
      expect(templated).toContain(type);
    }
  });

  it("rejects what it should: a reasoning item with a null encrypted_content is not valid per the spec", () => {
    // Why the bridge omits `encrypted_content` instead of sending null.
    const response = nonStreaming(foldChunks(replyScenarios()[0]!.chunks));
    const withNull = {
      ...response,
      output: response.output.map((item) => ({ ...item, encrypted_content: null })),
    };
    expect(() => validateResponseObject(withNull)).toThrow();
  });
});
