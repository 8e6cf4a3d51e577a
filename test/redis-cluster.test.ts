// The Redis store on a real Redis Cluster (three redis-server primaries): the store contract through an
// ioredis `Cluster` client, the hash-tagged key layout (one slot per tenant, tenants spread over the
// shards), a chain and items resolved by the Lua scripts on the shard that holds them, two bridges with
// the real `openai` SDK chaining through the cluster, and a shard that stops and comes back.
import {
  createResponsesHandler,
  openAICompatibleUpstream,
  type ResponsesBridgeError,
  type StoredResponse,
} from "@responses-bridge/core";
import { createRedisStore, type RedisStore } from "@responses-bridge/redis";
import {
  type ContractStore,
  createScriptedBackend,
  type StatefulContractStore,
  statefulContractCases,
  storeContractCases,
} from "@responses-bridge/testkit";
import { Cluster } from "ioredis";
import type OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MountedBridge, mountBridge } from "./utils/harness.js";
import { openAIClient } from "./utils/openai-client.js";
import { type RedisCluster, redisServerForTests, startRedisCluster } from "./utils/redis-server.js";

const redisBinary = redisServerForTests("test/redis-cluster.test.ts");

/** A Cluster client on the test cluster, failing fast as the store's own clients do. */
function clusterClient(cluster: RedisCluster, keyPrefix?: string): Cluster {
  const client = new Cluster(cluster.startupNodes, {
    ...(keyPrefix === undefined ? {} : { keyPrefix }),
    clusterRetryStrategy: (attempt) => Math.min(50 * attempt, 500),
    redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 500 },
  });
  // Failed reconnects while a node is down are expected here; operations report their own failures.
  client.on("error", () => {});
  return client;
}

/** The port of the node that serves `key`'s hash slot. */
async function nodeOf(client: Cluster, key: string): Promise<number> {
  const slot = Number(await client.call("CLUSTER", "KEYSLOT", key));
  const ranges = (await client.call("CLUSTER", "SLOTS")) as Array<[number, number, [string, number]]>;
  const range = ranges.find(([first, last]) => slot >= first && slot <= last);
  if (!range) throw new Error(`no node serves slot ${slot}`);
  return range[2][1];
}

/** Every key on every primary, by node port. */
async function keysByNode(client: Cluster, pattern: string): Promise<Map<number, string[]>> {
  const found = new Map<number, string[]>();
  for (const node of client.nodes("master")) {
    found.set(node.options.port!, (await node.keys(pattern)).sort());
  }
  return found;
}

/** A stored turn with one user message in and one assistant message (`itemId`) out. */
function turn(id: string, previous: string | null, itemId: string): StoredResponse {
  return {
    id,
    previousResponseId: previous,
    input: [{ type: "message" as const, role: "user" as const, content: `question ${id}` }],
    response: {
      id,
      object: "response",
      created_at: 1_760_000_000,
      status: "completed",
      model: "m",
      output: [
        {
          id: itemId,
          type: "message",
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: `answer ${id}`, annotations: [], logprobs: [] }],
        },
      ],
    } as unknown as StoredResponse["response"],
  };
}

describe.skipIf(!redisBinary)("Redis store on a Redis Cluster (3 primaries)", () => {
  let cluster: RedisCluster;
  let client: Cluster;
  let run = 0;
  beforeAll(async () => {
    cluster = await startRedisCluster(redisBinary!);
    client = clusterClient(cluster);
  }, 60_000);
  afterAll(async () => {
    client?.disconnect();
    await cluster?.close();
  });

  describe("store contract through an ioredis Cluster client", () => {
    const cases = storeContractCases(
      ({ ttlMs }) => createRedisStore({ client, keyPrefix: `contract${++run}:`, ttlMs }) as ContractStore,
    );
    for (const testCase of cases) it(testCase.name, testCase.run);
    // Conversations and the turn log (Lua scripts, MULTI, XREAD BLOCK on a duplicated Cluster client).
    const stateful = statefulContractCases(
      () =>
        createRedisStore({
          client,
          keyPrefix: `stateful${++run}:`,
          turns: { pollMs: 50 },
        }) as StatefulContractStore,
    );
    for (const testCase of stateful) it(testCase.name, testCase.run);
  });

  describe("store contract through a Cluster client with its own keyPrefix", () => {
    const opened: Cluster[] = [];
    afterAll(() => {
      for (const each of opened) each.disconnect();
    });
    const cases = storeContractCases(({ ttlMs }) => {
      const prefixed = clusterClient(cluster, `client${++run}:`);
      opened.push(prefixed);
      return createRedisStore({ client: prefixed, ttlMs }) as ContractStore;
    });
    for (const testCase of cases) it(testCase.name, testCase.run);
  });

  it("tags each tenant's keys into one slot, and spreads tenants over the shards", async () => {
    const store = createRedisStore({ client, keyPrefix: "layout:" });
    const tenants = Array.from({ length: 12 }, (_, index) => `tenant-${index}`);
    for (const tenant of tenants) {
      await store.put(turn(`resp_${tenant}`, null, `msg_${tenant}`), { tenant });
    }
    const byNode = await keysByNode(client, "{layout:*");
    const all = [...byNode.values()].flat();
    expect(all).toHaveLength(2 * tenants.length);
    for (const tenant of tenants) {
      const record = `{layout:${tenant}}:resp:resp_${tenant}`;
      const item = `{layout:${tenant}}:item:msg_${tenant}`;
      expect(all).toContain(record);
      expect(all).toContain(item);
      // A turn's record and item keys live on the same node: the MULTI that writes them is one slot.
      expect(await nodeOf(client, item)).toBe(await nodeOf(client, record));
      expect((await store.get(`resp_${tenant}`, { tenant }))?.id).toBe(`resp_${tenant}`);
      expect(await store.get(`resp_${tenant}`, { tenant: "someone-else" })).toBeUndefined();
    }
    // Tenants are not all on one shard.
    expect([...byNode.values()].filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
  });

  it("walks a chain and resolves items with the Lua scripts on the shard that holds them", async () => {
    const store = createRedisStore({ client, keyPrefix: "chain:" });
    const scope = { tenant: "acme" };
    let previous: string | null = null;
    const ids: string[] = [];
    for (let index = 0; index < 250; index++) {
      const id = `resp_chain${index}`;
      await store.put(turn(id, previous, `msg_chain${index}`), scope);
      ids.push(id);
      previous = id;
    }
    const chain = await store.getChain(previous!, scope);
    expect(chain?.map((record) => record.id)).toEqual(ids);
    const items = await store.getItems(["msg_chain3", "msg_chain200", "msg_missing"], scope);
    expect([...items.keys()].sort()).toEqual(["msg_chain200", "msg_chain3"]);
    expect(await store.getChain(previous!, { tenant: "other" })).toBeUndefined();
  });

  it("without hash tags a turn cannot be written on a cluster: a 503, not a half-written turn", async () => {
    const store = createRedisStore({ client, keyPrefix: "untagged:", hashTags: false });
    // Record and item keys of this turn hash to different slots.
    expect(await client.call("CLUSTER", "KEYSLOT", "untagged::resp:resp_x")).not.toBe(
      await client.call("CLUSTER", "KEYSLOT", "untagged::item:msg_x"),
    );
    const error = (await store.put(turn("resp_x", null, "msg_x")).catch((caught) => caught)) as
      | ResponsesBridgeError
      | undefined;
    expect(error?.status).toBe(503);
    expect(error?.code).toBe("store_unavailable");
    expect(await keysByNode(client, "untagged:*").then((found) => [...found.values()].flat())).toEqual([]);
  });

  it("rejects hash tags around an empty key prefix", () => {
    expect(() => createRedisStore({ client, keyPrefix: "" })).toThrow(/keyPrefix must not be empty/);
    expect(() => createRedisStore({ client, keyPrefix: "", hashTags: false })).not.toThrow();
  });

  it("two bridges continue each other's chains through the cluster (real openai SDK)", async () => {
    const backend = createScriptedBackend();
    const upstream = await backend.listen();
    const bridges: MountedBridge[] = [];
    const stores: RedisStore<Cluster>[] = [];
    try {
      for (let index = 0; index < 2; index++) {
        const store = createRedisStore({ client, keyPrefix: "bridge:" });
        stores.push(store);
        const handler = createResponsesHandler({
          upstream: openAICompatibleUpstream({ baseURL: upstream.url }),
          store,
        });
        bridges.push(await mountBridge("node", handler));
      }
      const [first, second] = bridges.map((bridge) => openAIClient(bridge.url, "k")) as [OpenAI, OpenAI];
      backend.enqueue({ text: "Oslo." });
      const one = await first.responses.create({ model: "m", input: "Capital of Norway?" });
      backend.enqueue({ text: "Bergen." });
      const two = await second.responses.create({
        model: "m",
        input: "And the second city?",
        previous_response_id: one.id,
      });
      expect(two.output_text).toBe("Bergen.");
      // The second bridge sent the whole conversation, read from the cluster.
      const messages = (backend.requests.at(-1)?.body?.messages ?? []) as Array<{
        role: string;
        content: unknown;
      }>;
      expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
      expect(messages[1]!.content).toBe("Oslo.");
      expect((await first.responses.retrieve(two.id)).output_text).toBe("Bergen.");
      await second.responses.delete(one.id);
      await expect(first.responses.retrieve(one.id)).rejects.toMatchObject({ status: 404 });
    } finally {
      for (const bridge of bridges) await bridge.close();
      await upstream.close();
    }
  });

  it("fails fast with 503 while a shard is down, and serves again once it is back", async () => {
    const store = createRedisStore({ client, keyPrefix: "outage:", commandTimeoutMs: 300 });
    // A tenant whose slot lives on the last node, which is stopped below.
    const down = cluster.nodes.at(-1)!;
    let tenant = "";
    for (let index = 0; ; index++) {
      tenant = `t${index}`;
      if ((await nodeOf(client, `{outage:${tenant}}:resp:x`)) === down.port) break;
    }
    await store.put(turn("resp_outage", null, "msg_outage"), { tenant });
    await down.stop();
    const started = Date.now();
    const error = (await store
      .get("resp_outage", { tenant })
      .catch((caught) => caught)) as ResponsesBridgeError;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.status).toBe(503);
    expect(error.code).toBe("store_unavailable");
    await down.restart();
    await cluster.waitUntilHealthy();
    // The node came back empty (no persistence) but serves its slots again: writes and reads work.
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        await store.put(turn("resp_back", null, "msg_back"), { tenant });
        break;
      } catch (caught) {
        if (Date.now() > deadline) throw caught;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect((await store.get("resp_back", { tenant }))?.id).toBe("resp_back");
  }, 60_000);
});
