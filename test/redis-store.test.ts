// The Redis store against a real redis-server: key layout and tenancy, compactness (bytes per turn),
// a 1,000-turn chain rebuilt in one round trip with storage growing linearly, and failure behaviour
// (hung server, stopped server, restart, script cache flush). The shared semantics are in
// store-contract.test.ts; figures are printed with the prefix "[redis figures]".
import { createResponseObject, ResponsesBridgeError, type StoredResponse } from "@responses-bridge/core";
import { createRedisStore, type RedisStore } from "@responses-bridge/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishResponseObject } from "../packages/core/src/translate/response-object.js";
import { type RedisServer, redisServerForTests, startRedisServer } from "./utils/redis-server.js";

const redisBinary = redisServerForTests("test/redis-store.test.ts");

let counter = 0;
/** A typical short turn, built the way the bridge builds it: one user message in, one assistant message out. */
function turn(
  previous: string | null,
  text = "What is the capital of Norway? Answer in one sentence.",
): StoredResponse {
  const id = `resp_${(++counter).toString(16).padStart(48, "0")}`;
  const base = createResponseObject(
    { model: "qwen3:8b", input: text, previous_response_id: previous },
    { id, createdAt: 1_760_000_000 },
  );
  return {
    id,
    previousResponseId: previous,
    input: [{ type: "message", role: "user", content: text }],
    response: finishResponseObject(base, {
      status: "completed",
      completedAt: 1_760_000_001,
      output: [
        {
          id: `msg_${counter.toString(16).padStart(48, "0")}`,
          type: "message",
          role: "assistant",
          status: "completed",
          content: [
            {
              type: "output_text",
              text: "The capital of Norway is Oslo, which is also its largest city.",
              annotations: [],
              logprobs: [],
            },
          ],
        },
      ],
      usage: {
        input_tokens: 24,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 15,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 39,
      },
    }),
  };
}

async function memoryUsage(store: RedisStore, key: string): Promise<number> {
  return Number(await store.client.call("MEMORY", "USAGE", key, "SAMPLES", "0"));
}

/** Sum of `MEMORY USAGE` over every key under `pattern`, and the key count. */
async function usageOf(store: RedisStore, pattern: string): Promise<{ bytes: number; keys: number }> {
  let cursor = "0";
  let bytes = 0;
  let keys = 0;
  do {
    const [next, batch] = await store.client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    for (const key of batch) {
      bytes += await memoryUsage(store, key);
      keys += 1;
    }
  } while (cursor !== "0");
  return { bytes, keys };
}

/** Calls per command from `INFO commandstats`. */
async function commandCalls(store: RedisStore): Promise<Map<string, number>> {
  const info = await store.client.info("commandstats");
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
  return calls;
}

function callsBetween(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const diff: Record<string, number> = {};
  for (const [name, count] of after) {
    const delta = count - (before.get(name) ?? 0);
    if (delta > 0 && name !== "info") diff[name] = delta;
  }
  return diff;
}

/** Names of the commands a client sends (each awaited operation's commands form one round trip). */
function recordCommands(store: RedisStore): { sent: string[]; stop(): void } {
  const client = store.client;
  const original = client.sendCommand;
  const sent: string[] = [];
  client.sendCommand = function (this: typeof client, command, stream) {
    sent.push(command.name);
    return original.call(this, command, stream);
  } as typeof original;
  return {
    sent,
    stop() {
      client.sendCommand = original;
    },
  };
}

async function expectUnavailable(promise: Promise<unknown>, withinMs: number): Promise<number> {
  const started = Date.now();
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  const elapsed = Date.now() - started;
  expect(ResponsesBridgeError.isInstance(error)).toBe(true);
  expect(error).toMatchObject({ status: 503, type: "server_error", code: "store_unavailable" });
  expect(elapsed).toBeLessThan(withinMs);
  return elapsed;
}

async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe.skipIf(!redisBinary)("createRedisStore on a real redis-server", () => {
  let server: RedisServer;
  let store: RedisStore;
  beforeAll(async () => {
    server = await startRedisServer(redisBinary!);
    store = createRedisStore({ url: server.url, commandTimeoutMs: 300 });
  });
  afterAll(async () => {
    await store?.close();
    await server?.close();
  });

  it("lays keys out as {prefix}{tenant}:resp:{id} and {prefix}{tenant}:item:{id}, with a 30-day TTL", async () => {
    const record = turn(null);
    await store.put(record, { tenant: "acme" });
    const key = `rb:acme:resp:${record.id}`;
    const itemKey = `rb:acme:item:${record.response.output[0]!.id}`;
    expect(await store.client.exists(key, itemKey)).toBe(2);
    expect(await store.client.get(itemKey)).toBe(record.id);
    const thirtyDays = 30 * 24 * 3600 * 1000;
    for (const pttl of [await store.client.pttl(key), await store.client.pttl(itemKey)]) {
      expect(pttl).toBeGreaterThan(thirtyDays - 60_000);
      expect(pttl).toBeLessThanOrEqual(thirtyDays);
    }
    // The value: predecessor, input and Response, each as compact JSON on its own line.
    const value = (await store.client.get(key))!;
    expect(value.split("\n")).toEqual([
      "null",
      JSON.stringify(record.input),
      JSON.stringify(record.response),
    ]);
    // Without a tenant the tenant segment is empty; a tenant's name is URI-encoded (no ':' inside).
    await store.put(record);
    await store.put(record, { tenant: "a:b c" });
    expect(await store.client.exists(`rb::resp:${record.id}`, `rb:a%3Ab%20c:resp:${record.id}`)).toBe(2);
  });

  it("a GET or DELETE under another tenant is a miss and leaves the record alone", async () => {
    const record = turn(null);
    await store.put(record, { tenant: "alice" });
    expect(await store.get(record.id, { tenant: "bob" })).toBeUndefined();
    expect(await store.delete(record.id, { tenant: "bob" })).toBe(false);
    expect(await store.get(record.id)).toBeUndefined();
    expect(await store.get(record.id, { tenant: "alice" })).toEqual(record);
    expect(await store.delete(record.id, { tenant: "alice" })).toBe(true);
  });

  it("stores a typical turn compactly (bytes per turn)", async () => {
    const record = turn(null);
    await store.put(record);
    const value = (await store.client.get(`rb::resp:${record.id}`))!;
    const recordBytes = await memoryUsage(store, `rb::resp:${record.id}`);
    const itemBytes = await memoryUsage(store, `rb::item:${record.response.output[0]!.id}`);
    const fullJson = JSON.stringify(record).length;
    console.log(
      `[redis figures] typical turn (1 user message, 1 assistant message, usage): value ${Buffer.byteLength(value)} B ` +
        `(the StoredResponse as JSON: ${fullJson} B); MEMORY USAGE record key ${recordBytes} B + item key ${itemBytes} B ` +
        `= ${recordBytes + itemBytes} B per turn`,
    );
    // Stored once: the value is no larger than the record's own JSON (the id lives in the key).
    expect(Buffer.byteLength(value)).toBeLessThan(fullJson);
    expect(recordBytes).toBeLessThan(Buffer.byteLength(value) + 200);
    expect(itemBytes).toBeLessThan(200);
  });

  it("stores a 1,000-turn chain in linear space and rebuilds it in one round trip", async () => {
    const chainStore = createRedisStore({ client: store.client, keyPrefix: "chain:" });
    const ids: string[] = [];
    const checkpoints: { turns: number; bytes: number; keys: number; usedMemory: number }[] = [];
    const usedMemory = async () =>
      Number(/used_memory:(\d+)/.exec(await store.client.info("memory"))?.[1] ?? Number.NaN);
    const baseline = await usedMemory();
    let previous: string | null = null;
    for (let index = 1; index <= 1000; index++) {
      const record = turn(previous, `Turn ${index}: what happened next in the story?`);
      await chainStore.put(record);
      ids.push(record.id);
      previous = record.id;
      if (index % 250 === 0) {
        const { bytes, keys } = await usageOf(chainStore, "chain:*");
        checkpoints.push({ turns: index, bytes, keys, usedMemory: (await usedMemory()) - baseline });
      }
    }
    console.log(
      `[redis figures] 1,000-turn chain, MEMORY USAGE summed over keys: ${checkpoints
        .map(
          (point) =>
            `${point.turns} turns ${point.bytes} B (${point.keys} keys, used_memory +${point.usedMemory} B)`,
        )
        .join("; ")}; ${Math.round(checkpoints.at(-1)!.bytes / 1000)} B per turn`,
    );
    // Linear: every 250 turns cost the same (within 2%), two keys per turn.
    const steps = checkpoints.map((point, index) => point.bytes - (checkpoints[index - 1]?.bytes ?? 0));
    for (const step of steps) expect(Math.abs(step - steps[0]!) / steps[0]!).toBeLessThan(0.02);
    expect(checkpoints.map((point) => point.keys)).toEqual([500, 1000, 1500, 2000]);

    await chainStore.getChain(ids[0]!); // loads the script into Redis' cache
    const before = await commandCalls(store);
    const recorder = recordCommands(chainStore);
    const started = performance.now();
    const chain = await chainStore.getChain(previous!).finally(() => recorder.stop());
    const elapsed = performance.now() - started;
    const inside = callsBetween(before, await commandCalls(store));
    console.log(
      `[redis figures] getChain of 1,000 turns: client sent ${JSON.stringify(recorder.sent)} (one round trip); ` +
        `Redis ran ${JSON.stringify(inside)}; ${elapsed.toFixed(1)} ms`,
    );
    expect(recorder.sent).toEqual(["evalsha"]);
    expect(inside).toEqual({ evalsha: 1, get: 1000 });
    expect(chain?.map((record) => record.id)).toEqual(ids);
    expect(chain?.[999]).toEqual(await chainStore.get(previous!));

    // Beyond 1,000 turns: one more round trip per 1,000 turns.
    for (let index = 1; index <= 1001; index++) {
      const record = turn(previous);
      await chainStore.put(record);
      previous = record.id;
    }
    const long = recordCommands(chainStore);
    expect(await chainStore.getChain(previous!).finally(() => long.stop())).toHaveLength(2001);
    expect(long.sent).toEqual(["evalsha", "evalsha", "evalsha"]);
  });

  it("getItems resolves many ids in one round trip", async () => {
    const records = Array.from({ length: 20 }, () => turn(null));
    for (const record of records) await store.put(record, { tenant: "items" });
    const ids = records.map((record) => record.response.output[0]!.id!);
    await store.getItems(ids.slice(0, 1), { tenant: "items" }); // loads the script into Redis' cache
    const recorder = recordCommands(store);
    const found = await store
      .getItems([...ids, "msg_unknown"], { tenant: "items" })
      .finally(() => recorder.stop());
    expect(recorder.sent).toEqual(["evalsha"]);
    expect([...found.keys()]).toEqual(ids);
    expect(found.get(ids[3]!)).toEqual(records[3]!.response.output[0]);
  });

  it("reloads its Lua scripts after SCRIPT FLUSH (as after a Redis restart)", async () => {
    const first = turn(null);
    const second = turn(first.id);
    await store.put(first);
    await store.put(second);
    await store.client.script("FLUSH");
    expect((await store.getChain(second.id))?.map((record) => record.id)).toEqual([first.id, second.id]);
    await store.client.script("FLUSH");
    expect((await store.getItems([first.response.output[0]!.id!])).size).toBe(1);
  });

  it("fails fast with 503 store_unavailable while Redis hangs, and recovers when it answers again", async () => {
    const record = turn(null);
    const doomed = turn(null);
    await store.put(record);
    await store.put(doomed);
    server.freeze();
    try {
      const elapsed = await Promise.all([
        expectUnavailable(store.get(record.id), 5_000),
        expectUnavailable(store.put(turn(null)), 5_000),
        expectUnavailable(store.getChain(record.id), 5_000),
        expectUnavailable(store.getItems([record.response.output[0]!.id!]), 5_000),
        expectUnavailable(store.delete(doomed.id), 5_000),
      ]);
      console.log(
        `[redis figures] hung Redis, commandTimeoutMs 300: operations failed after ${elapsed.join(", ")} ms`,
      );
      for (const ms of elapsed) expect(ms).toBeGreaterThanOrEqual(250);
    } finally {
      server.thaw();
    }
    expect(await eventually(() => store.get(record.id))).toEqual(record);
    // A command that timed out had already been written: Redis runs it once it answers again. The
    // client was told 503, and may retry; a repeated DELETE then answers false (a 404 through the bridge).
    expect(await eventually(async () => (await store.get(doomed.id)) ?? "gone")).toBe("gone");
  });

  it("fails fast while Redis is stopped and reconnects by itself when it is back", async () => {
    const own = createRedisStore({ url: server.url, commandTimeoutMs: 300 });
    const record = turn(null);
    await own.put(record);
    await server.stop();
    try {
      const elapsed = [
        await expectUnavailable(own.get(record.id), 5_000),
        await expectUnavailable(own.put(turn(null)), 5_000),
        await expectUnavailable(own.getChain(record.id), 5_000),
      ];
      // Once the client knows the connection is gone, it does not even wait for the timeout.
      await new Promise((resolve) => setTimeout(resolve, 100));
      elapsed.push(await expectUnavailable(own.get(record.id), 2_500));
      console.log(`[redis figures] stopped Redis: operations failed after ${elapsed.join(", ")} ms`);
    } finally {
      await server.restart();
    }
    // No persistence: the data is gone, but the store works again without being recreated.
    const started = Date.now();
    expect(await eventually(() => own.get(record.id))).toBeUndefined();
    console.log(`[redis figures] reconnected ${Date.now() - started} ms after redis-server was back`);
    const fresh = turn(null);
    await own.put(fresh);
    expect(await own.get(fresh.id)).toEqual(fresh);
    await own.close();
    expect(own.client.status).toBe("end");
  });

  it("never closes a client it was given", async () => {
    const given = createRedisStore({ client: store.client, keyPrefix: "given:" });
    await given.close();
    expect(store.client.status).toBe("ready");
    const record = turn(null);
    await given.put(record);
    expect(await given.get(record.id)).toEqual(record);
  });

  it("rejects bad options", () => {
    expect(() => createRedisStore({} as never)).toThrow(TypeError);
    expect(() => createRedisStore({ client: store.client, commandTimeoutMs: 0 })).toThrow(TypeError);
    expect(() => createRedisStore({ client: store.client, ttlMs: -1 })).toThrow(TypeError);
  });
});
