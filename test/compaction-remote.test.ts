// Remote compaction on POST /v1/responses, end to end with the real openai SDK over the scripted chat
// backend: Codex's trailing `compaction_trigger` item (answered with exactly one sealed `compaction` item,
// streamed and not), and `context_management` server-side compaction (the compaction item first in the
// output, the reply after it, later turns continuing from the summary only).
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { ResponseInputItem, ResponseStreamEvent } from "openai/resources/responses/responses";
import { afterEach, describe, expect, it } from "vitest";
import { closeHarness, type Harness, startHarness } from "./utils/harness.js";
import { OpenAIClient } from "./utils/openai-client.js";

let harness: Harness | undefined;
afterEach(async () => {
  const closing = harness;
  harness = undefined;
  await closeHarness(closing);
});

const SECRET = { compactionSecret: "test secret, long enough" };
const trigger = { type: "compaction_trigger" } as unknown as ResponseInputItem;

function sentMessages(h: Harness, index = -1): ChatCompletionMessageParam[] {
  return h.backend.requests.at(index)!.body!.messages as ChatCompletionMessageParam[];
}
const text = (messages: ChatCompletionMessageParam[]) => JSON.stringify(messages.map((m) => m.content));

/** A Codex-like history: a user ask, a tool call and its output, the assistant's answer. */
const codexHistory: ResponseInputItem[] = [
  { role: "user", content: "Rename the crate to zap and run the tests." },
  { type: "function_call", call_id: "call_1", name: "shell", arguments: '{"cmd":"cargo test"}' },
  { type: "function_call_output", call_id: "call_1", output: "test result: ok. 12 passed" },
  { role: "assistant", content: "Renamed; 12 tests pass." },
];

describe("compaction_trigger", () => {
  it.each(["openai", "open-responses"] as const)(
    "streams exactly one sealed compaction item, and the next turn continues from its summary (%s dialect)",
    async (dialect) => {
      harness = await startHarness("node", { handler: { ...SECRET, dialect } });
      const { backend, client } = harness;
      backend.enqueue({ text: "NOTES: crate renamed to zap; 12 tests pass." }, { text: "Done." });
      const events: ResponseStreamEvent[] = [];
      const stream = client.responses.stream({
        model: "m1",
        store: false,
        instructions: "You are Codex.",
        tools: [{ type: "function", name: "shell", parameters: { type: "object" }, strict: false }],
        input: [...codexHistory, trigger],
      });
      stream.on("event", (event) => events.push(event));
      const compacted = await stream.finalResponse();

      // The backend was asked for a summary: the conversation, then the prompt; no tools offered.
      const asked = backend.requests.at(-1)!.body!;
      expect(asked.tools).toBeUndefined();
      expect(text(sentMessages(harness))).toContain("Rename the crate to zap");
      expect(text(sentMessages(harness))).toContain("12 passed");
      expect(JSON.stringify(sentMessages(harness).at(-1)?.content)).toContain("Write a summary");

      // What Codex's remote compaction v2 reads: one compaction item done, then response.completed.
      const types = events.map((event) => event.type);
      expect(types).toEqual([
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.output_item.done",
        "response.completed",
      ]);
      expect(events.map((event) => event.sequence_number)).toEqual([0, 1, 2, 3, 4]);
      expect(compacted.status).toBe("completed");
      expect(compacted.output).toHaveLength(1);
      const item = compacted.output[0] as { type: string; id: string; encrypted_content: string };
      expect(item).toMatchObject({ type: "compaction", id: expect.stringMatching(/^cmp_/) });
      expect(item.encrypted_content).toMatch(/^rbc1\./);
      expect(item.encrypted_content).not.toContain("zap");
      expect(compacted.usage?.total_tokens).toBeGreaterThan(0);

      // Codex's next request: the retained user message, the compaction item, a new ask.
      const next = await client.responses
        .stream({
          model: "m1",
          store: false,
          input: [
            codexHistory[0]!,
            item as unknown as ResponseInputItem,
            { role: "user", content: "Now bump the version." },
          ],
        })
        .finalResponse();
      expect(next.output_text).toBe("Done.");
      const continued = text(sentMessages(harness));
      expect(continued).toContain("NOTES: crate renamed to zap; 12 tests pass.");
      expect(continued).not.toContain("12 passed");
    },
  );

  it("answers JSON without stream, and a stored trigger turn prunes the chain for the next turn", async () => {
    harness = await startHarness("node", { handler: SECRET });
    const { backend, client } = harness;
    backend.enqueue(
      { text: "The plan: three steps." },
      { text: "NOTES: a three-step plan was agreed." },
      { text: "Step one it is." },
    );
    const first = await client.responses.create({ model: "m1", input: "Plan the migration." });
    const compacted = await client.responses.create({
      model: "m1",
      previous_response_id: first.id,
      input: [trigger],
    });
    expect(compacted.output.map((entry) => entry.type)).toEqual(["compaction"]);
    expect(text(sentMessages(harness))).toContain("Plan the migration.");
    // Chained on the compaction turn, the upstream sees the summary, not the compacted turns.
    await client.responses.create({
      model: "m1",
      previous_response_id: compacted.id,
      input: "Start.",
    });
    const sent = sentMessages(harness);
    expect(sent.map((message) => message.role)).toEqual(["user", "user"]);
    expect(text(sent)).toContain("NOTES: a three-step plan was agreed.");
    expect(text(sent)).not.toContain("Plan the migration.");
  });

  it("rejects a trigger that is not the last item, and a compaction item sealed for another tenant", async () => {
    harness = await startHarness("node", {
      handler: { ...SECRET, authenticate: ({ headers }) => ({ tenant: headers.get("x-tenant") ?? "a" }) },
    });
    const { backend, client } = harness;
    const misplaced = await client.responses
      .create({ model: "m1", input: [trigger, { role: "user", content: "hi" }] })
      .catch((error: unknown) => error);
    expect(misplaced).toBeInstanceOf(OpenAIClient.BadRequestError);
    expect((misplaced as InstanceType<typeof OpenAIClient.APIError>).error).toMatchObject({
      param: "input.0",
      message: "The 'compaction_trigger' item must be the final input item.",
    });

    backend.enqueue({ text: "NOTES: tenant a's secret plan." });
    const asTenant = (tenant: string) =>
      new OpenAIClient({
        baseURL: harness!.url,
        apiKey: "k",
        maxRetries: 0,
        defaultHeaders: { "x-tenant": tenant },
      });
    const compacted = await asTenant("a").responses.create({
      model: "m1",
      store: false,
      input: [{ role: "user", content: "Plan something secret." }, trigger],
    });
    const item = compacted.output[0] as unknown as ResponseInputItem;
    const sent = backend.requests.length;
    const stolen = await asTenant("b")
      .responses.create({ model: "m1", input: [item, { role: "user", content: "What was the plan?" }] })
      .catch((error: unknown) => error);
    expect((stolen as InstanceType<typeof OpenAIClient.APIError>).status).toBe(400);
    expect((stolen as InstanceType<typeof OpenAIClient.APIError>).error).toMatchObject({
      code: "invalid_encrypted_content",
      param: "input.0.encrypted_content",
    });
    expect(backend.requests.length).toBe(sent);
  });

  it("ends the stream with response.failed when the backend cannot write the summary", async () => {
    harness = await startHarness("node", { handler: { ...SECRET, streamErrors: "events" } });
    const { backend, client } = harness;
    backend.enqueue({ error: { status: 500 } });
    const events: ResponseStreamEvent[] = [];
    const stream = client.responses.stream({ model: "m1", store: false, input: [...codexHistory, trigger] });
    stream.on("event", (event) => events.push(event));
    await stream.finalResponse().catch(() => undefined);
    expect(events.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.failed",
    ]);
  });
});

describe("context_management", () => {
  const longHistory: ResponseInputItem[] = [
    { role: "user", content: `Here is the log:\n${"line of build output\n".repeat(200)}` },
    { role: "assistant", content: "The build fails in step 3." },
    { role: "user", content: "Why does step 3 fail?" },
  ];

  for (const streamed of [false, true]) {
    it(`compacts above compact_threshold: the compaction item first, then the reply (${streamed ? "streamed" : "JSON"})`, async () => {
      harness = await startHarness("node", { handler: SECRET });
      const { backend, client } = harness;
      backend.enqueue(
        { text: "NOTES: a build log; step 3 fails." },
        { text: "A missing dependency." },
        { text: "Add it to Cargo.toml." },
      );
      const params = {
        model: "m1",
        input: longHistory,
        context_management: [{ type: "compaction", compact_threshold: 500 }],
      };
      const events: ResponseStreamEvent[] = [];
      let reply: Awaited<ReturnType<typeof client.responses.create>>;
      if (streamed) {
        const stream = client.responses.stream(params as never);
        stream.on("event", (event) => events.push(event));
        reply = await stream.finalResponse();
      } else {
        reply = await client.responses.create(params as never);
      }
      expect(reply.output.map((entry) => entry.type)).toEqual(["compaction", "message"]);
      expect(reply.output_text).toBe("A missing dependency.");
      // Two upstream calls: the summary (of everything), then the reply (summary + the current ask).
      expect(backend.requests).toHaveLength(2);
      expect(text(sentMessages(harness, 0))).toContain("line of build output");
      const answered = text(sentMessages(harness, 1));
      expect(answered).toContain("NOTES: a build log; step 3 fails.");
      expect(answered).toContain("Why does step 3 fail?");
      expect(answered).not.toContain("line of build output");
      if (streamed) {
        const added = events.filter((event) => event.type === "response.output_item.added");
        expect(added.map((event) => [event.output_index, event.item.type])).toEqual([
          [0, "compaction"],
          [1, "message"],
        ]);
      }
      // The next turn on the stored chain starts from the compaction: the log is gone for good.
      await client.responses.create({ model: "m1", previous_response_id: reply.id, input: "Thanks." });
      const later = text(sentMessages(harness));
      expect(later).toContain("NOTES: a build log; step 3 fails.");
      expect(later).toContain("A missing dependency.");
      expect(later).not.toContain("line of build output");
    });
  }

  it("leaves a request below the threshold alone, and rejects a bad entry with a 400 naming it", async () => {
    harness = await startHarness("node", { handler: SECRET });
    const { backend, client } = harness;
    backend.enqueue({ text: "Short answer." });
    const reply = await client.responses.create({
      model: "m1",
      input: longHistory,
      context_management: [{ type: "compaction", compact_threshold: 100_000 }],
    } as never);
    expect(reply.output.map((entry) => entry.type)).toEqual(["message"]);
    expect(backend.requests).toHaveLength(1);
    const bad = await client.responses
      .create({
        model: "m1",
        input: "hi",
        context_management: [{ type: "compaction", compact_threshold: -1 }],
      } as never)
      .catch((error: unknown) => error);
    expect((bad as InstanceType<typeof OpenAIClient.APIError>).status).toBe(400);
    expect((bad as InstanceType<typeof OpenAIClient.APIError>).error).toMatchObject({
      param: "context_management.0.compact_threshold",
      type: "invalid_request_error",
    });
  });
});
