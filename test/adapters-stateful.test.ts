// Every adapter serves the stateful routes the same way (they route by path through the core handler):
// conversations, background responses, cancel (a POST without a body) and resumed streams.
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Harness, MOUNTS, startHarness } from "./utils/harness.js";
import { openAIClient } from "./utils/openai-client.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe.each(MOUNTS)("stateful routes through %s", (mount) => {
  it("conversations, background, cancel and resume", async () => {
    harness = await startHarness(mount);
    const sdk = openAIClient(harness.url, "k");
    const conversation = await sdk.conversations.create({
      items: [{ type: "message", role: "user", content: "hi" }],
    });
    expect((await sdk.conversations.items.list(conversation.id)).data).toHaveLength(1);
    expect((await sdk.conversations.delete(conversation.id)).deleted).toBe(true);

    harness.backend.enqueue({ text: "w".repeat(300), chunkSize: 1, delayMs: 20 });
    const slow = await sdk.responses.create({ model: "scripted-model", input: "hi", background: true });
    await eventually(() => (harness!.backend.requests[0]?.chunksSent ?? 0) > 2);
    expect((await sdk.responses.cancel(slow.id)).status).toBe("cancelled");
    await eventually(() => harness!.backend.requests[0]!.aborted, 1000);

    harness.backend.enqueue({ text: "resume me please" });
    const stream = await sdk.responses.create({
      model: "scripted-model",
      input: "hi",
      background: true,
      stream: true,
    });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const id = (events[0] as { response: { id: string } }).response.id;
    const rest: ResponseStreamEvent[] = [];
    for await (const event of await sdk.responses.retrieve(id, { stream: true, starting_after: 2 }))
      rest.push(event);
    expect(rest.map((event) => event.sequence_number)).toEqual(
      events.slice(3).map((event) => event.sequence_number),
    );
  });
});
