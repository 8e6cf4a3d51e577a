// Background responses, resumable streams and cancel with the real `openai` SDK as client and the
// scripted upstream, on the memory store (one process).
import type OpenAI from "openai";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Harness, startHarness } from "./utils/harness.js";
import { apiError, openAIClient } from "./utils/openai-client.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Retrieves until the status is no longer queued/in_progress (bounded). */
async function waitUntilDone(sdk: OpenAI, id: string): Promise<OpenAI.Responses.Response> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const response = await sdk.responses.retrieve(id);
    if (response.status !== "queued" && response.status !== "in_progress") return response;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the background response did not finish");
}

describe("background responses (memory store)", () => {
  it("answers at once with status queued, runs detached, and retrieve shows the final state", async () => {
    harness = await startHarness("node");
    const sdk = openAIClient(harness.url);
    harness.backend.enqueue({ text: "Slow but done.", delayMs: 30, firstByteDelayMs: 200 });
    const started = await sdk.responses.create({ model: "scripted-model", input: "hi", background: true });
    expect(started.status).toBe("queued");
    expect(started.background).toBe(true);
    expect(started.id).toMatch(/^resp_/);
    expect(started.output).toEqual([]);
    const during = await sdk.responses.retrieve(started.id);
    expect(["queued", "in_progress"]).toContain(during.status);
    const done = await waitUntilDone(sdk, started.id);
    expect(done.status).toBe("completed");
    expect(done.output_text).toBe("Slow but done.");
    expect(done.background).toBe(true);
  });

  it("answers before the upstream has answered (long prompt processing), however long the keep-alive grace", async () => {
    // The upstream holds its answer until the test has seen the queued response.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    harness = await startHarness("node", {
      handler: { keepAliveMs: 60_000 },
      backend: {
        script: async () => {
          await gate;
          return { text: "late" };
        },
      },
    });
    const sdk = openAIClient(harness.url);
    const started = await sdk.responses.create({ model: "scripted-model", input: "hi", background: true });
    expect(started.status).toBe("queued");
    release();
    expect((await waitUntilDone(sdk, started.id)).output_text).toBe("late");
  });

  it("a failing upstream ends the background response as failed", async () => {
    harness = await startHarness("node");
    const sdk = openAIClient(harness.url);
    harness.backend.enqueue({ error: { status: 500 } });
    const started = await sdk.responses.create({ model: "scripted-model", input: "hi", background: true });
    const done = await waitUntilDone(sdk, started.id);
    expect(done.status).toBe("failed");
    expect(done.error).not.toBeNull();
  });

  it("background with store: false is a 400; invalid requests are refused before queueing", async () => {
    harness = await startHarness("node");
    const sdk = openAIClient(harness.url);
    const noStore = await apiError(
      sdk.responses.create({ model: "scripted-model", input: "hi", background: true, store: false }),
    );
    expect(noStore.status).toBe(400);
    expect(noStore.param).toBe("store");
    const invalid = await apiError(
      sdk.responses.create({ model: "scripted-model", input: "hi", background: true, temperature: 9 }),
    );
    expect(invalid.status).toBe(400);
    expect(harness.backend.requests).toHaveLength(0);
  });

  it("cancel stops the upstream call within a second and ends the response as cancelled", async () => {
    harness = await startHarness("node");
    const sdk = openAIClient(harness.url);
    harness.backend.enqueue({ text: "x".repeat(400), chunkSize: 1, delayMs: 50 });
    const started = await sdk.responses.create({ model: "scripted-model", input: "hi", background: true });
    await eventually(() => (harness!.backend.requests[0]?.chunksSent ?? 0) > 2);
    const cancelledAt = Date.now();
    const cancelled = await sdk.responses.cancel(started.id);
    expect(cancelled.status).toBe("cancelled");
    await eventually(() => harness!.backend.requests[0]!.aborted, 1000);
    expect(Date.now() - cancelledAt).toBeLessThan(5000);
    expect((await sdk.responses.retrieve(started.id)).status).toBe("cancelled");
    // Cancelling again is idempotent; cancelling a finished or a foreground response is an error.
    expect((await sdk.responses.cancel(started.id)).status).toBe("cancelled");
    harness.backend.enqueue({ text: "done" });
    const finished = await sdk.responses.create({ model: "scripted-model", input: "hi", background: true });
    await waitUntilDone(sdk, finished.id);
    const late = await apiError(sdk.responses.cancel(finished.id));
    expect(late.status).toBe(400);
    expect(late.message).toMatch(/Cannot cancel a completed response/);
    harness.backend.enqueue({ text: "sync" });
    const sync = await sdk.responses.create({ model: "scripted-model", input: "hi" });
    const syncError = await apiError(sdk.responses.cancel(sync.id));
    expect(syncError.status).toBe(400);
    expect((await apiError(sdk.responses.cancel("resp_unknown"))).status).toBe(404);
  });

  it("background + stream streams as usual; retrieve(stream, starting_after) yields exactly the rest", async () => {
    harness = await startHarness("node");
    const sdk = openAIClient(harness.url);
    harness.backend.enqueue({ text: "one two three four five six seven", chunkSize: 4, delayMs: 20 });
    const stream = await sdk.responses.create({
      model: "scripted-model",
      input: "hi",
      background: true,
      stream: true,
    });
    const seen: ResponseStreamEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (seen.length === 5) break; // the client's connection drops
    }
    const id = (seen[0] as { response: { id: string } }).response.id;
    const last = seen.at(-1)!.sequence_number;
    const rest: ResponseStreamEvent[] = [];
    for await (const event of await sdk.responses.retrieve(id, { stream: true, starting_after: last })) {
      rest.push(event);
    }
    const numbers = [...seen, ...rest].map((event) => event.sequence_number);
    expect(numbers).toEqual(numbers.map((_, index) => index));
    expect(rest[0]!.sequence_number).toBe(last + 1);
    expect(rest.at(-1)!.type).toBe("response.completed");
    const text = [...seen, ...rest]
      .filter((event) => event.type === "response.output_text.delta")
      .map((event) => (event as { delta: string }).delta)
      .join("");
    expect(text).toBe("one two three four five six seven");
    // The turn went on after the client left; the whole stream replays from the start too.
    const all: ResponseStreamEvent[] = [];
    for await (const event of await sdk.responses.retrieve(id, { stream: true })) all.push(event);
    expect(all.map((event) => event.sequence_number)).toEqual(numbers);
    expect((await sdk.responses.retrieve(id)).status).toBe("completed");
  });

  it("limits: concurrent background turns per tenant, and the maximum duration", async () => {
    harness = await startHarness("node", {
      handler: { background: { maxConcurrent: 1, maxDurationMs: 300 } },
    });
    const sdk = openAIClient(harness.url);
    harness.backend.enqueue({ text: "x".repeat(200), chunkSize: 1, delayMs: 20 });
    const first = await sdk.responses.create({ model: "scripted-model", input: "hi", background: true });
    const second = await apiError(
      sdk.responses.create({ model: "scripted-model", input: "hi", background: true }),
    );
    expect(second.status).toBe(429);
    expect(second.code).toBe("too_many_background_responses");
    const done = await waitUntilDone(sdk, first.id);
    expect(done.status).toBe("failed");
    expect(done.error?.code).toBe("background_timeout");
    await eventually(() => harness!.backend.requests[0]!.aborted, 2000);
    // The slot is free again.
    harness.backend.enqueue({ text: "ok" });
    const third = await sdk.responses.create({ model: "scripted-model", input: "hi", background: true });
    expect((await waitUntilDone(sdk, third.id)).status).toBe("completed");
  });

  it("with resumableStreams, a foreground streamed turn with store on can be followed while it runs (extension)", async () => {
    harness = await startHarness("node", { handler: { resumableStreams: true } });
    const sdk = openAIClient(harness.url);
    harness.backend.enqueue({ text: "foreground words keep coming here", chunkSize: 3, delayMs: 25 });
    const stream = await sdk.responses.create({ model: "scripted-model", input: "hi", stream: true });
    const original: ResponseStreamEvent[] = [];
    let follower: Promise<ResponseStreamEvent[]> | undefined;
    for await (const event of stream) {
      original.push(event);
      if (original.length === 3) {
        const id = (original[0] as { response: { id: string } }).response.id;
        follower = (async () => {
          const events: ResponseStreamEvent[] = [];
          for await (const resumed of await sdk.responses.retrieve(id, { stream: true, starting_after: 1 })) {
            events.push(resumed);
          }
          return events;
        })();
      }
    }
    const followed = await follower!;
    expect(followed.map((event) => event.sequence_number)).toEqual(
      original.slice(2).map((event) => event.sequence_number),
    );
    expect(JSON.stringify(followed)).toBe(JSON.stringify(original.slice(2)));
  });

  it("by default (as with OpenAI) foreground streams are left out of the turn log: resuming one is a 400", async () => {
    harness = await startHarness("node");
    const sdk = openAIClient(harness.url);
    harness.backend.enqueue({ text: "plain" });
    const stream = await sdk.responses.create({ model: "scripted-model", input: "hi", stream: true });
    let id = "";
    for await (const event of stream) if (event.type === "response.completed") id = event.response.id;
    const error = await apiError(sdk.responses.retrieve(id, { stream: true }));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/are not available/);
  });
});
