// POST /v1/responses/compact and compaction items, end to end with the real openai SDK: the same chat
// backend writes the summary, the item's encrypted_content is sealed (opaque, tamper-proof, bound to the
// tenant), and a later turn that sends the item back gives the backend the summary instead of the history.
import { validateOpenResponsesCompaction } from "@responses-bridge/testkit";
import OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { afterEach, describe, expect, it } from "vitest";
import { closeHarness, type Harness, startHarness } from "./utils/harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  const closing = harness;
  harness = undefined;
  await closeHarness(closing);
});

function lastMessages(h: Harness): ChatCompletionMessageParam[] {
  return h.backend.requests.at(-1)!.body!.messages as ChatCompletionMessageParam[];
}

const text = (message: ChatCompletionMessageParam | undefined) => JSON.stringify(message?.content ?? "");

describe("compaction", () => {
  it("compacts a stored conversation, and a later turn continues from the sealed summary", async () => {
    harness = await startHarness("node", { handler: { compactionSecret: "test secret, long enough" } });
    const { backend, client } = harness;
    backend.enqueue(
      { text: "Sure: a Rust CLI called zap." },
      { text: "NOTES: the user wants a Rust CLI named zap; nothing written yet." },
      { text: "Starting on zap." },
    );
    const first = await client.responses.create({
      model: "m1",
      input: "Build me a CLI called zap, in Rust.",
    });
    const compacted = await client.responses.compact({ model: "m1", previous_response_id: first.id });
    expect(validateOpenResponsesCompaction(compacted).problems).toEqual([]);
    expect(compacted.object).toBe("response.compaction");
    expect(compacted.output).toHaveLength(1);
    const item = compacted.output[0] as { type: string; id: string; encrypted_content: string };
    expect(item.type).toBe("compaction");
    expect(item.id).toMatch(/^cmp_/);
    expect(item.encrypted_content).not.toContain("zap");
    // The backend summarised the whole conversation, with the prompt last.
    const summarised = lastMessages(harness);
    expect(text(summarised[0])).toContain("Build me a CLI called zap");
    expect(text(summarised.at(-1))).toContain("Write a summary of the conversation so far");
    expect(compacted.usage.total_tokens).toBeGreaterThan(0);

    const next = await client.responses
      .stream({
        model: "m1",
        store: false,
        input: [
          ...(compacted.output as OpenAI.Responses.ResponseInputItem[]),
          { role: "user", content: "Go on." },
        ],
      })
      .finalResponse();
    expect(next.output_text).toBe("Starting on zap.");
    const continued = lastMessages(harness);
    expect(continued.map((message) => message.role)).toEqual(["user", "user"]);
    expect(text(continued[0])).toContain("NOTES: the user wants a Rust CLI named zap");
    expect(JSON.stringify(continued)).not.toContain("Build me a CLI");
  });

  it("rejects a changed, forged or foreign compaction item with a 400, and sends nothing upstream", async () => {
    harness = await startHarness("node", {
      handler: {
        compactionSecret: "test secret, long enough",
        authenticate: ({ headers }) => ({ tenant: headers.get("x-tenant") ?? "a" }),
      },
    });
    const { backend, client } = harness;
    backend.enqueue({ text: "NOTES: tenant a's plans." });
    const compacted = await client.responses.compact({ model: "m1", input: "Plan something secret." });
    const item = compacted.output[0] as { encrypted_content: string };
    const asTenant = (tenant: string) =>
      new OpenAI({
        baseURL: harness!.url,
        apiKey: "k",
        maxRetries: 0,
        defaultHeaders: { "x-tenant": tenant },
      });
    const sent = backend.requests.length;
    const attempts: Array<[OpenAI, string]> = [
      [asTenant("b"), item.encrypted_content],
      [asTenant("a"), `${item.encrypted_content.slice(0, -2)}AA`],
      [asTenant("a"), "rbc1.forged"],
    ];
    for (const [other, content] of attempts) {
      const error = await other.responses
        .create({
          model: "m1",
          input: [
            { type: "compaction", encrypted_content: content } as never,
            { role: "user", content: "hi" },
          ],
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
      expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
        code: "invalid_encrypted_content",
        param: "input.0.encrypted_content",
      });
    }
    expect(backend.requests.length).toBe(sent);
    // The right tenant gets its summary.
    backend.enqueue({ text: "ok" });
    await asTenant("a").responses.create({
      model: "m1",
      input: [
        { type: "compaction", encrypted_content: item.encrypted_content } as never,
        { role: "user", content: "hi" },
      ],
    });
    expect(text(lastMessages(harness)[0])).toContain("NOTES: tenant a's plans.");
  });

  it("answers 400 without a model and 405 for GET", async () => {
    harness = await startHarness("node");
    const missing = await fetch(`${harness.url}/responses/compact`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: "x" }),
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { param: "model", type: "invalid_request_error" } });
    expect((await fetch(`${harness.url}/responses/compact`)).status).toBe(405);
  });
});
