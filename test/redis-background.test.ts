// Background responses, resume, cancel, leases and conversations across two bridge instances sharing
// one real redis-server: two createResponsesHandler, each with its own RedisStore (own connection),
// served on real sockets, driven by the real `openai` SDK.
import { createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import { createRedisStore, type RedisStore } from "@responses-bridge/redis";
import { createScriptedBackend, type ScriptedBackend, type ScriptedServer } from "@responses-bridge/testkit";
import type OpenAI from "openai";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eventually, type MountedBridge, mountBridge } from "./utils/harness.js";
import { openAIClient } from "./utils/openai-client.js";
import { type RedisServer, redisServerForTests, startRedisServer } from "./utils/redis-server.js";

const redisBinary = redisServerForTests("test/redis-background.test.ts");

interface Instance {
  store: RedisStore;
  bridge: MountedBridge;
  sdk: OpenAI;
}

async function waitUntilDone(sdk: OpenAI, id: string): Promise<OpenAI.Responses.Response> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const response = await sdk.responses.retrieve(id);
    if (response.status !== "queued" && response.status !== "in_progress") return response;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the background response did not finish");
}

describe.skipIf(!redisBinary)("background responses and conversations across instances (Redis)", () => {
  let server: RedisServer;
  let backend: ScriptedBackend;
  let upstream: ScriptedServer;
  const open: Instance[] = [];
  let run = 0;

  beforeAll(async () => {
    server = await startRedisServer(redisBinary!);
    backend = createScriptedBackend();
    upstream = await backend.listen();
  });
  afterAll(async () => {
    await upstream?.close();
    await server?.close();
  });
  afterEach(async () => {
    for (const instance of open.splice(0)) {
      await instance.bridge.close();
      await instance.store.close();
    }
    backend.reset();
  });

  /** Two instances (A and B) on one Redis under a fresh key prefix. */
  async function twoInstances(turns = { leaseMs: 5000, pollMs: 100 }): Promise<[Instance, Instance]> {
    const keyPrefix = `bg${++run}:`;
    const make = async (): Promise<Instance> => {
      const store = createRedisStore({ url: server.url, keyPrefix, turns });
      const handler = createResponsesHandler({
        upstream: openAICompatibleUpstream({ baseURL: upstream.url }),
        store,
      });
      const bridge = await mountBridge("node", handler);
      const sdk = openAIClient(bridge.url, "k");
      const instance = { store, bridge, sdk };
      open.push(instance);
      return instance;
    };
    return [await make(), await make()];
  }

  it("a background turn started on A is retrieved through B until completed", async () => {
    const [a, b] = await twoInstances();
    backend.enqueue({ text: "Across instances.", delayMs: 20 });
    const started = await a.sdk.responses.create({ model: "m", input: "hi", background: true });
    expect(started.status).toBe("queued");
    expect(["queued", "in_progress", "completed"]).toContain(
      (await b.sdk.responses.retrieve(started.id)).status,
    );
    const done = await waitUntilDone(b.sdk, started.id);
    expect(done.status).toBe("completed");
    expect(done.output_text).toBe("Across instances.");
  });

  it("a stream started on A resumes through B with exactly the remaining events", async () => {
    const [a, b] = await twoInstances();
    backend.enqueue({ text: "alpha beta gamma delta epsilon zeta eta theta", chunkSize: 3, delayMs: 25 });
    const stream = await a.sdk.responses.create({ model: "m", input: "hi", background: true, stream: true });
    const seen: ResponseStreamEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (seen.length === 4) break;
    }
    const id = (seen[0] as { response: { id: string } }).response.id;
    const after = seen.at(-1)!.sequence_number;
    const rest: ResponseStreamEvent[] = [];
    for await (const event of await b.sdk.responses.retrieve(id, { stream: true, starting_after: after })) {
      rest.push(event);
    }
    const numbers = [...seen, ...rest].map((event) => event.sequence_number);
    expect(numbers).toEqual(numbers.map((_, index) => index));
    expect(rest.at(-1)!.type).toBe("response.completed");
    const text = [...seen, ...rest]
      .filter((event) => event.type === "response.output_text.delta")
      .map((event) => (event as { delta: string }).delta)
      .join("");
    expect(text).toBe("alpha beta gamma delta epsilon zeta eta theta");
  });

  it("cancel through B stops the upstream call of the turn running on A within a second", async () => {
    const [a, b] = await twoInstances();
    backend.enqueue({ text: "y".repeat(500), chunkSize: 1, delayMs: 40 });
    const started = await a.sdk.responses.create({ model: "m", input: "hi", background: true });
    await eventually(() => (backend.requests[0]?.chunksSent ?? 0) > 3);
    const cancelled = await b.sdk.responses.cancel(started.id);
    expect(cancelled.status).toBe("cancelled");
    await eventually(() => backend.requests[0]!.aborted, 1000);
    expect((await a.sdk.responses.retrieve(started.id)).status).toBe("cancelled");
  });

  it("a turn whose instance dies is marked failed by B after the lease expires", async () => {
    const [a, b] = await twoInstances({ leaseMs: 600, pollMs: 100 });
    backend.enqueue({ text: "z".repeat(400), chunkSize: 1, delayMs: 30 });
    const started = await a.sdk.responses.create({ model: "m", input: "hi", background: true });
    await eventually(() => (backend.requests[0]?.chunksSent ?? 0) > 3);
    // A loses Redis for good (as a dead instance does): no more lease refreshes, no final write.
    a.store.client.disconnect();
    const resumed = (async () => {
      const events: ResponseStreamEvent[] = [];
      for await (const event of await b.sdk.responses.retrieve(started.id, { stream: true }))
        events.push(event);
      return events;
    })();
    const failed = await waitUntilDone(b.sdk, started.id);
    expect(failed.status).toBe("failed");
    expect(failed.error?.message).toMatch(/lease expired/);
    const events = await resumed;
    expect(events.at(-1)!.type).toBe("response.failed");
    const numbers = events.map((event) => event.sequence_number);
    expect(numbers).toEqual(numbers.map((_, index) => index));
  });

  it("conversations are shared: created on A, a turn through B, items listed on A", async () => {
    const [a, b] = await twoInstances();
    const conversation = await a.sdk.conversations.create({
      items: [{ type: "message", role: "user", content: "first" }],
    });
    backend.enqueue({ text: "second" });
    const turn = await b.sdk.responses.create({ model: "m", input: "again", conversation: conversation.id });
    expect(turn.conversation).toEqual({ id: conversation.id });
    const items = await a.sdk.conversations.items.list(conversation.id, { order: "asc" });
    expect(items.data.map((item) => (item as { role?: string }).role)).toEqual(["user", "user", "assistant"]);
    const [, second] = items.data;
    await b.sdk.conversations.items.delete(second!.id!, { conversation_id: conversation.id });
    expect((await a.sdk.conversations.items.list(conversation.id)).data).toHaveLength(2);
    await a.sdk.conversations.delete(conversation.id);
    await expect(b.sdk.conversations.retrieve(conversation.id)).rejects.toMatchObject({ status: 404 });
  });
});
