import { describe, expect, it } from "vitest";
import { ResponsesBridgeError } from "../errors.js";
import { createResponseObject, finishResponseObject } from "../translate/response-object.js";
import type { StoredResponse } from "../types.js";
import { createMemoryStore } from "./memory-store.js";
import { chainToItems, loadChain } from "./resolve-history.js";

function turn(id: string, previous: string | null, text: string): StoredResponse {
  const base = createResponseObject({ model: "m", input: text }, { id, createdAt: 1 });
  return {
    id,
    previousResponseId: previous,
    input: [{ type: "message", role: "user", content: text }],
    response: finishResponseObject(base, {
      status: "completed",
      output: [
        {
          id: `msg_${id}`,
          type: "message",
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: `re: ${text}`, annotations: [], logprobs: [] }],
        },
      ],
      usage: null,
    }),
  };
}

describe("createMemoryStore", () => {
  it("stores, returns and deletes records", async () => {
    const store = createMemoryStore();
    await store.put(turn("resp_a", null, "one"));
    expect((await store.get("resp_a"))?.input).toEqual([{ type: "message", role: "user", content: "one" }]);
    expect(await store.delete("resp_a")).toBe(true);
    expect(await store.get("resp_a")).toBeUndefined();
    expect(await store.delete("resp_a")).toBe(false);
  });

  it("evicts the least recently used record beyond maxEntries", async () => {
    const store = createMemoryStore({ maxEntries: 2 });
    await store.put(turn("resp_a", null, "a"));
    await store.put(turn("resp_b", null, "b"));
    await store.get("resp_a"); // a is now more recent than b
    await store.put(turn("resp_c", null, "c"));
    expect(await store.get("resp_b")).toBeUndefined();
    expect(await store.get("resp_a")).toBeDefined();
    expect(await store.get("resp_c")).toBeDefined();
    expect(store.size).toBe(2);
  });

  it("expires records after ttlMs", async () => {
    let now = 1000;
    const store = createMemoryStore({ ttlMs: 500, now: () => now });
    await store.put(turn("resp_a", null, "a"));
    now = 1499;
    expect(await store.get("resp_a")).toBeDefined();
    now = 1500;
    expect(await store.get("resp_a")).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it("keeps tenants apart", async () => {
    const store = createMemoryStore();
    await store.put(turn("resp_a", null, "a"), { tenant: "alice" });
    expect(await store.get("resp_a", { tenant: "bob" })).toBeUndefined();
    expect(await store.get("resp_a")).toBeUndefined();
    expect(await store.delete("resp_a", { tenant: "bob" })).toBe(false);
    expect(await store.get("resp_a", { tenant: "alice" })).toBeDefined();
  });

  it("rejects a maxEntries below 1", () => {
    expect(() => createMemoryStore({ maxEntries: 0 })).toThrow(TypeError);
  });
});

describe("loadChain / chainToItems", () => {
  it("rebuilds a chain oldest first, each turn's input then its output", async () => {
    const store = createMemoryStore();
    await store.put(turn("resp_1", null, "one"));
    await store.put(turn("resp_2", "resp_1", "two"));
    await store.put(turn("resp_3", "resp_2", "three"));
    const chain = await loadChain(store, "resp_3");
    expect(chain.map((record) => record.id)).toEqual(["resp_1", "resp_2", "resp_3"]);
    const items = chainToItems(chain);
    expect(items.map((item) => ("role" in item ? `${item.role}` : item.type))).toEqual([
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
    ]);
  });

  it("throws previous_response_not_found for an unknown id or a missing link", async () => {
    const store = createMemoryStore();
    await store.put(turn("resp_2", "resp_gone", "two"));
    for (const id of ["resp_nope", "resp_2"]) {
      const error = await loadChain(store, id).catch((caught: unknown) => caught);
      expect(ResponsesBridgeError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        status: 400,
        param: "previous_response_id",
        code: "previous_response_not_found",
      });
    }
  });

  it("stores a long chain in linear space (each turn once)", async () => {
    const store = createMemoryStore({ maxEntries: 5000 });
    let previous: string | null = null;
    for (let index = 0; index < 1000; index++) {
      const id = `resp_${index}`;
      await store.put(turn(id, previous, `turn ${index}`));
      previous = id;
    }
    const chain = await loadChain(store, "resp_999");
    expect(chain).toHaveLength(1000);
    // Each record holds only its own turn's input: no record grows with the chain.
    expect(chain.every((record) => record.input.length === 1)).toBe(true);
  });
});
