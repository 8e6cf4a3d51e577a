// The real openai SDK's higher-level helpers against the bridge (in-process: the SDK's fetch is the
// handler), over the scripted Chat Completions backend.
import { createScriptedBackend } from "@responses-bridge/testkit";
import OpenAI from "openai";
import { zodTextFormat } from "openai/helpers/zod";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createResponsesHandler } from "./create-responses-handler.js";
import { openAICompatibleUpstream } from "./upstream/openai-compatible-upstream.js";

function setup() {
  const backend = createScriptedBackend();
  const handler = createResponsesHandler({
    upstream: openAICompatibleUpstream({ baseURL: "http://scripted.test/v1", fetch: backend.fetch }),
  });
  const client = new OpenAI({
    baseURL: "http://bridge.test/v1",
    apiKey: "x",
    maxRetries: 0,
    fetch: (url, init) => handler.fetch(new Request(url, init)),
  });
  return { backend, client };
}

describe("openai SDK helpers through the bridge", () => {
  it("responses.parse returns output_parsed and sends a strict json_schema response_format", async () => {
    const { backend, client } = setup();
    const Weather = z.object({ city: z.string(), celsius: z.number() });
    backend.enqueue({ text: JSON.stringify({ city: "Oslo", celsius: 3 }) });
    const parsed = await client.responses.parse({
      model: "m",
      input: "Weather in Oslo as JSON",
      text: { format: zodTextFormat(Weather, "weather") },
    });
    expect(parsed.output_parsed).toEqual({ city: "Oslo", celsius: 3 });
    expect(backend.requests.at(-1)?.body?.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "weather", strict: true },
    });
  });

  it.each([false, true])("a refusal comes back as a refusal part (stream: %s)", async (stream) => {
    const { backend, client } = setup();
    backend.enqueue({ refusal: "I can't help with that." });
    const response = stream
      ? await client.responses.stream({ model: "m", input: "do something bad" }).finalResponse()
      : await client.responses.create({ model: "m", input: "do something bad" });
    expect(response.output[0]).toMatchObject({
      type: "message",
      content: [{ type: "refusal", refusal: "I can't help with that." }],
    });
    expect(response.output_text).toBe("");
  });

  it("reasoning with a summary request arrives as a reasoning item before the message", async () => {
    const { backend, client } = setup();
    backend.enqueue({ reasoning: "Think first.", text: "Answer." });
    const response = await client.responses
      .stream({ model: "m", input: "q", reasoning: { effort: "low", summary: "auto" } })
      .finalResponse();
    expect(response.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
    expect(response.output[0]).toMatchObject({ summary: [{ type: "summary_text", text: "Think first." }] });
    expect(response.output_text).toBe("Answer.");
    expect(backend.requests.at(-1)?.body?.reasoning_effort).toBe("low");
  });

  it("item_reference (as the AI SDK sends earlier turns) resolves from the store; unknown ids are a 400 item_not_found", async () => {
    const { backend, client } = setup();
    backend.enqueue({ text: "Paris is the capital." }, { text: "About 2.1 million people." });
    const first = await client.responses.create({ model: "m", input: "Capital of France?" });
    const messageId = first.output[0]!.id!;
    await client.responses.create({
      model: "m",
      input: [
        { role: "user", content: "Capital of France?" },
        { type: "item_reference", id: messageId },
        { role: "user", content: "How many people live there?" },
      ],
    });
    expect(backend.requests.at(-1)?.body?.messages).toEqual([
      { role: "user", content: "Capital of France?" },
      { role: "assistant", content: "Paris is the capital." },
      { role: "user", content: "How many people live there?" },
    ]);
    await expect(
      client.responses.create({ model: "m", input: [{ type: "item_reference", id: "msg_unknown" }] }),
    ).rejects.toMatchObject({ status: 400, code: "item_not_found", param: "input.0.id" });
  });
});
