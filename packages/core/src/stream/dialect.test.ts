// The reply scenarios and recorded backend fixtures (reasoning backends included) in both dialects,
// every event and Response checked against the Open Responses schemas by the testkit's validator.
import {
  validateOpenResponsesObject,
  validateOpenResponsesStream,
  validateResponseEvents,
} from "@responses-bridge/testkit";
import { describe, expect, it } from "vitest";
import { foldChunks, loadChunksFixture, replyFixtureNames } from "../testing/fixtures.js";
import { nonStreaming, runStream } from "../testing/reply-harness.js";
import { codexBindings, replyScenarios } from "../testing/reply-scenarios.js";
import type { ReplyOptions } from "../translate/reply/reply-options.js";
import { parseDialect, toOpenResponsesEvent } from "./dialect.js";

const cases: Array<[string, Parameters<typeof runStream>[0], ReplyOptions]> = [
  ...replyScenarios().map(
    (scenario) =>
      [`scenario: ${scenario.name}`, scenario.chunks, scenario.options ?? {}] as [
        string,
        Parameters<typeof runStream>[0],
        ReplyOptions,
      ],
  ),
  ...replyFixtureNames().map(
    (name) =>
      [
        `fixture: ${name}`,
        loadChunksFixture(name).chunks,
        { tools: codexBindings, reasoningSummary: true, includeEncryptedReasoning: true },
      ] as [string, Parameters<typeof runStream>[0], ReplyOptions],
  ),
];

describe("dialects against the Open Responses schemas", () => {
  it.each(cases)("%s: valid in both dialects", async (_name, chunks, options) => {
    const { events, final } = await runStream(chunks, options);
    const openResponses = events.map(toOpenResponsesEvent);
    expect(validateOpenResponsesStream(events, { dialect: "openai" }).problems).toEqual([]);
    expect(validateOpenResponsesStream(openResponses, { dialect: "open-responses" }).problems).toEqual([]);
    expect(validateResponseEvents(openResponses, { dialect: "open-responses" }).problems).toEqual([]);
    expect(validateOpenResponsesObject(final).problems).toEqual([]);
    expect(validateOpenResponsesObject(nonStreaming(foldChunks(chunks), options)).problems).toEqual([]);
  });

  it("covers reasoning, and each dialect's validator rejects the other's names", async () => {
    let reasoningStreams = 0;
    for (const [, chunks, options] of cases) {
      const { events } = await runStream(chunks, options);
      if (!events.some((event) => event.type === "response.reasoning_text.delta")) continue;
      reasoningStreams += 1;
      const openResponses = events.map(toOpenResponsesEvent);
      expect(openResponses.some((event) => (event.type as string) === "response.reasoning.delta")).toBe(true);
      expect(validateOpenResponsesStream(events, { dialect: "open-responses" }).valid).toBe(false);
      expect(validateResponseEvents(openResponses).valid).toBe(false);
    }
    expect(reasoningStreams).toBeGreaterThan(2);
  });

  it("renames only the differing events, and returns every other event as it is", async () => {
    const { events } = await runStream(cases[0]![1], cases[0]![2]);
    for (const event of events) {
      if (!event.type.startsWith("response.reasoning_text.")) expect(toOpenResponsesEvent(event)).toBe(event);
    }
  });

  it("parseDialect accepts the two names and rejects others", () => {
    expect(parseDialect(undefined)).toBe("openai");
    expect(parseDialect("open-responses")).toBe("open-responses");
    expect(() => parseDialect("anthropic")).toThrow(TypeError);
  });
});
