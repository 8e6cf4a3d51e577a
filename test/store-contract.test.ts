// One store contract (from @responses-bridge/testkit), run against every store the project ships:
// the bounded memory store and the Redis store on a real redis-server.
import { createMemoryStore } from "@responses-bridge/core";
import { createRedisStore, type RedisStore } from "@responses-bridge/redis";
import {
  type ContractStore,
  type StatefulContractStore,
  statefulContractCases,
  storeContractCases,
} from "@responses-bridge/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, redisServerForTests, startRedisServer } from "./utils/redis-server.js";

describe("store contract: createMemoryStore", () => {
  const cases = storeContractCases(({ ttlMs }) => createMemoryStore({ ttlMs }) as ContractStore);
  for (const testCase of cases) it(testCase.name, testCase.run);
  const stateful = statefulContractCases(() => createMemoryStore() as StatefulContractStore);
  for (const testCase of stateful) it(testCase.name, testCase.run);
});

describe("stateful contract: catches broken parts", () => {
  it("a conversation store that ignores the tenant, or a turn log that never cancels, fails", async () => {
    const memory = createMemoryStore();
    const broken: StatefulContractStore = {
      // Every conversation call made without its scope: all tenants share one space.
      conversations: {
        create: (conversation, items) => memory.conversations.create(conversation, items as never),
        get: (id) => memory.conversations.get(id),
        update: (conversation) => memory.conversations.update(conversation),
        delete: (id) => memory.conversations.delete(id),
        listItems: (id) => memory.conversations.listItems(id),
        addItems: (id, items) => memory.conversations.addItems(id, items as never),
        deleteItem: (id, itemId) => memory.conversations.deleteItem(id, itemId),
      },
      turns: { ...memory.turns, cancel: async () => true },
    };
    const failures: string[] = [];
    for (const testCase of statefulContractCases(() => broken)) {
      await testCase.run().catch(() => failures.push(testCase.name));
    }
    expect(failures).toEqual([
      "conversations: tenants are isolated",
      "turn log: cancel reaches the running writer; a tenant cannot cancel another's turn",
    ]);
  });
});

// The contract must catch broken stores: each mutant below breaks one rule and must fail some case.
describe("store contract: catches broken stores", () => {
  const memory = (ttlMs: number) => createMemoryStore({ ttlMs }) as ContractStore;
  const mutants: Record<string, (options: { ttlMs: number }) => ContractStore> = {
    "ignores the tenant": ({ ttlMs }) => {
      const store = memory(ttlMs);
      return {
        get: (id) => store.get(id),
        put: (record) => store.put(record),
        delete: (id) => store.delete(id),
        getChain: (id) => store.getChain!(id),
        getItems: (ids) => store.getItems!(ids),
      };
    },
    "never expires": () => memory(0),
    "returns partial chains": ({ ttlMs }) => {
      const store = memory(ttlMs);
      return {
        ...bind(store),
        async getChain(id, scope) {
          const chain = [];
          for (let next: string | null = id; next !== null; ) {
            const record = await store.get(next, scope);
            if (!record) break;
            chain.push(record);
            next = record.previousResponseId;
          }
          return chain.length ? chain.reverse() : undefined;
        },
      };
    },
    "keeps items of deleted records": ({ ttlMs }) => {
      const store = memory(ttlMs);
      const items = new Map<string, unknown>();
      return {
        ...bind(store),
        async put(record, scope) {
          for (const item of [...record.input, ...record.response.output])
            if (item.id) items.set(item.id, item);
          await store.put(record, scope);
        },
        async getItems(ids) {
          return new Map(ids.filter((id) => items.has(id)).map((id) => [id, items.get(id)]));
        },
      };
    },
    "truncates large records": ({ ttlMs }) => {
      const store = memory(ttlMs);
      return {
        ...bind(store),
        put: (record, scope) =>
          store.put(JSON.stringify(record).length > 100_000 ? { ...record, input: [] } : record, scope),
      };
    },
  };
  function bind(store: ContractStore): ContractStore {
    return {
      get: (id, scope) => store.get(id, scope),
      put: (record, scope) => store.put(record, scope),
      delete: (id, scope) => store.delete(id, scope),
      getChain: (id, scope) => store.getChain!(id, scope),
      getItems: (ids, scope) => store.getItems!(ids, scope),
    };
  }
  it.each(Object.keys(mutants))("a store that %s fails the contract", async (name) => {
    const failures: string[] = [];
    for (const testCase of storeContractCases(mutants[name]!, { shortTtlMs: 50 })) {
      await testCase.run().catch((error: Error) => failures.push(`${testCase.name}: ${error.message}`));
    }
    expect(failures.length).toBeGreaterThan(0);
  });
});

const redisBinary = redisServerForTests("test/store-contract.test.ts");

describe.skipIf(!redisBinary)("store contract: createRedisStore", () => {
  let server: RedisServer;
  let shared: RedisStore;
  let run = 0;
  beforeAll(async () => {
    server = await startRedisServer(redisBinary!);
    // One connection for every case; each case gets its own key prefix.
    shared = createRedisStore({ url: server.url });
  });
  afterAll(async () => {
    await shared?.close();
    await server?.close();
  });

  const cases = storeContractCases(
    ({ ttlMs }) =>
      createRedisStore({ client: shared.client, keyPrefix: `contract${++run}:`, ttlMs }) as ContractStore,
  );
  for (const testCase of cases) it(testCase.name, testCase.run);
  const stateful = statefulContractCases(
    () =>
      createRedisStore({
        client: shared.client,
        keyPrefix: `stateful${++run}:`,
        turns: { pollMs: 50 },
      }) as StatefulContractStore,
  );
  for (const testCase of stateful) it(testCase.name, testCase.run);

  // The same contract through a client that has its own ioredis keyPrefix (applied to script keys by hand).
  const prefixed = storeContractCases(({ ttlMs }) => {
    const store = createRedisStore({
      url: server.url,
      redisOptions: { keyPrefix: `client${++run}:` },
      keyPrefix: "rb:",
      ttlMs,
    });
    opened.push(store);
    return store as ContractStore;
  });
  const opened: RedisStore[] = [];
  afterAll(async () => {
    for (const store of opened) await store.close();
  });
  describe("with an ioredis keyPrefix on the client", () => {
    for (const testCase of prefixed) it(testCase.name, testCase.run);
  });
});
