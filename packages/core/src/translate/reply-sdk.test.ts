// The real openai SDK reading the translator's events for every new item kind: `responses.stream()`
// (its ResponseStream helper validates event order and part types) and `responses.create` (plain JSON).
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { encodeSSEEvent } from "../stream/encode-sse-event.js";
import { foldChunks } from "../testing/fixtures.js";
import { nonStreaming, runStream } from "../testing/reply-harness.js";
import { replyScenarios } from "../testing/reply-scenarios.js";

/** Drops the `parsed` / `parsed_arguments` keys the SDK's stream helper adds to the output it returns. */
function withoutParsed(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, inner) =>
    key === "parsed" || key === "parsed_arguments" ? undefined : inner,
  );
}

function clientAnswering(body: () => string, contentType: string): OpenAI {
  return new OpenAI({
    apiKey: "test",
    baseURL: "http://bridge.test/v1",
    maxRetries: 0,
    fetch: async () => new Response(body(), { status: 200, headers: { "content-type": contentType } }),
  });
}

describe("the openai SDK reads every reply kind", () => {
  it.each(replyScenarios().map((scenario) => [scenario.name, scenario] as const))(
    "%s",
    async (_name, scenario) => {
      const { events, final } = await runStream(scenario.chunks, scenario.options);
      const sse = events.map(encodeSSEEvent).join("");
      const streaming = clientAnswering(() => sse, "text/event-stream");
      const seen: string[] = [];
      const helper = streaming.responses.stream({ model: "test-model", input: "hi" });
      helper.on("event", (event) => seen.push(event.type));
      const streamed = await helper.finalResponse();
      expect(seen).toEqual(events.map((event) => event.type));
      expect(withoutParsed(streamed.output)).toEqual(final.output);

      const expected = nonStreaming(foldChunks(scenario.chunks), scenario.options);
      const json = clientAnswering(() => JSON.stringify(expected), "application/json");
      const created = await json.responses.create({ model: "test-model", input: "hi" });
      expect(created.output).toEqual(final.output);
      // The SDK's output_text convenience sees only real output text (not reasoning or refusals).
      const text = final.output
        .flatMap((item) => (item.type === "message" ? item.content : []))
        .map((part) => (part.type === "output_text" ? part.text : ""))
        .join("");
      expect(created.output_text).toBe(text);
    },
  );
});
