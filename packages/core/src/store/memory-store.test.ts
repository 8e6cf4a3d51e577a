import { describe, expect, it } from "vitest";
import { ResponsesBridgeError } from "../errors.js";
import { createResponseObject, finishResponseObject } from "../translate/response-object.js";
import type { StoredResponse } from "../types.js";
import { createMemoryStore } from "./memory-store.js";
import { chainToItems, loadChain, resolveItemReferences } from "./resolve-history.js";

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
    expect(() => createMemoryStore({ maxBytes: 0 })).toThrow(TypeError);
    expect(() => createMemoryStore({ ttlMs: -1 })).toThrow(TypeError);
  });

  it("counts each record at least at its JSON length and evicts least recently used beyond maxBytes", async () => {
    const probe = createMemoryStore();
    await probe.put(turn("resp_a", null, "a"));
    const size = probe.bytes;
    expect(size).toBeGreaterThan(JSON.stringify(turn("resp_a", null, "a")).length);
    const store = createMemoryStore({ maxBytes: size * 2 + 10 });
    await store.put(turn("resp_a", null, "a"));
    await store.put(turn("resp_b", null, "b"));
    expect(store.bytes).toBe(size * 2);
    await store.get("resp_a");
    await store.put(turn("resp_c", null, "c"));
    expect(await store.get("resp_b")).toBeUndefined();
    expect(await store.get("resp_a")).toBeDefined();
    expect(await store.get("resp_c")).toBeDefined();
    expect(store.bytes).toBe(size * 2);
  });

  it("refuses a record larger than maxBytes with a store_record_too_large error and keeps the others", async () => {
    const store = createMemoryStore({ maxBytes: 2000 });
    await store.put(turn("resp_a", null, "a"));
    const error = await store
      .put(turn("resp_big", null, "x".repeat(5000)))
      .catch((caught: unknown) => caught);
    expect(ResponsesBridgeError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 500, code: "store_record_too_large" });
    expect(await store.get("resp_big")).toBeUndefined();
    expect(await store.get("resp_a")).toBeDefined();
  });

  it("getItems finds input items with an id and output items, per tenant", async () => {
    const store = createMemoryStore();
    const record = turn("resp_a", null, "a");
    record.input = [{ id: "msg_in", type: "message", role: "user", content: "hi" } as never, ...record.input];
    await store.put(record, { tenant: "t" });
    const found = await store.getItems(["msg_in", "msg_resp_a", "msg_unknown"], { tenant: "t" });
    expect([...found.keys()]).toEqual(["msg_in", "msg_resp_a"]);
    expect(found.get("msg_resp_a")).toEqual(record.response.output[0]);
    expect((await store.getItems(["msg_in", "msg_resp_a"])).size).toBe(0);
    expect((await store.getItems(["msg_in"], { tenant: "u" })).size).toBe(0);
  });

  it("cleans the item index up on eviction, expiry, delete and overwrite, so memory stays bounded", async () => {
    let now = 0;
    const store = createMemoryStore({ maxEntries: 50, ttlMs: 1000, now: () => now });
    for (let index = 0; index < 5000; index++) {
      await store.put(turn(`resp_${index}`, null, `turn ${index}`));
    }
    expect(store.size).toBe(50);
    expect(store.indexedItems).toBe(50);
    expect((await store.getItems(["msg_resp_0", "msg_resp_4999"])).size).toBe(1);

    await store.delete("resp_4999");
    expect(store.indexedItems).toBe(49);

    const overwritten = turn("resp_4998", null, "again");
    overwritten.response.output = [];
    await store.put(overwritten);
    expect(store.indexedItems).toBe(48);
    expect((await store.getItems(["msg_resp_4998"])).size).toBe(0);

    // Expired records leave with their index entries: lazily on access, and in a sweep during put.
    now = 2000;
    await store.put(turn("resp_new", null, "new"));
    expect(store.size).toBe(1);
    expect(store.indexedItems).toBe(1);
    const alone = createMemoryStore();
    await alone.put(turn("resp_new", null, "new"));
    expect(store.bytes).toBe(alone.bytes);
  });

  it("counts a record holding characters beyond Latin-1 at two bytes per character", async () => {
    const latin = createMemoryStore();
    await latin.put(turn("resp_a", null, "e".repeat(1000)));
    const wide = createMemoryStore();
    await wide.put(turn("resp_a", null, "\u00e9\u4e2d".repeat(500)));
    expect(wide.bytes - latin.bytes).toBeGreaterThan(1900);
  });

  it("reads a turn of many input items (kept as UTF-8, encoded in slices) as it reads a small one", async () => {
    const store = createMemoryStore();
    const many = turn("resp_many", null, "first");
    many.input = Array.from({ length: 200 }, (_, index) => ({
      id: `msg_in_${index}`,
      type: "message" as const,
      role: "user" as const,
      content: `é😀 ${index}`,
    }));
    await store.put(many);
    await store.put(turn("resp_small", "resp_many", "é😀"));
    expect(await store.get("resp_many")).toEqual(many);
    const chain = await store.getChain("resp_small");
    expect(chain?.map((record) => record.id)).toEqual(["resp_many", "resp_small"]);
    expect((await store.getItems(["msg_in_199", "msg_resp_many"])).size).toBe(2);
    // Counted at its UTF-8 size: each of the 200 texts holds 2 + 4 bytes beyond ASCII.
    const utf8 = new TextEncoder().encode(JSON.stringify(many.input)).byteLength;
    const alone = createMemoryStore();
    await alone.put(many);
    expect(alone.bytes).toBeGreaterThan(utf8);
    expect(alone.bytes).toBeLessThan(utf8 + JSON.stringify(many.response).length + 200 * 200);
  });

  it("returns fresh objects on each read: a caller mutating a result changes nothing stored", async () => {
    const store = createMemoryStore();
    await store.put(turn("resp_a", null, "a"));
    const first = await store.get("resp_a");
    first!.input.length = 0;
    expect((await store.get("resp_a"))!.input).toHaveLength(1);
  });

  it("an item id taken over by a later record stays indexed when the earlier record leaves", async () => {
    const store = createMemoryStore();
    const first = turn("resp_1", null, "one");
    const second = turn("resp_2", "resp_1", "two");
    // The client resent turn 1's output message (with its id) as input of turn 2.
    second.input = [first.response.output[0] as never, ...second.input];
    await store.put(first);
    await store.put(second);
    await store.delete("resp_2");
    expect((await store.getItems(["msg_resp_1"])).size).toBe(0);
    await store.put(second);
    await store.delete("resp_1");
    expect((await store.getItems(["msg_resp_1"])).get("msg_resp_1")).toEqual(first.response.output[0]);
  });

  it("getChain returns the chain oldest first, or undefined when a link is missing", async () => {
    const store = createMemoryStore();
    await store.put(turn("resp_1", null, "one"));
    await store.put(turn("resp_2", "resp_1", "two"));
    await store.put(turn("resp_3", "resp_2", "three"));
    expect((await store.getChain("resp_3"))?.map((record) => record.id)).toEqual([
      "resp_1",
      "resp_2",
      "resp_3",
    ]);
    expect(await store.getChain("resp_3", { tenant: "other" })).toBeUndefined();
    await store.delete("resp_1");
    expect(await store.getChain("resp_3")).toBeUndefined();
    const error = await loadChain(store, "resp_3").catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, code: "previous_response_not_found" });
  });
});

describe("resolveItemReferences", () => {
  it("replaces item references with the stored items and keeps other items", async () => {
    const store = createMemoryStore();
    const record = turn("resp_1", null, "one");
    await store.put(record, { tenant: "t" });
    const plain = { type: "message", role: "user", content: "next" } as const;
    const resolved = await resolveItemReferences(
      store,
      [{ type: "item_reference", id: "msg_resp_1" }, plain, { id: "msg_resp_1" } as never],
      { tenant: "t" },
    );
    expect(resolved).toEqual([record.response.output[0], plain, record.response.output[0]]);
  });

  it("answers an unknown or foreign item with a 400 item_not_found, and a store without getItems with a 400", async () => {
    const store = createMemoryStore();
    await store.put(turn("resp_1", null, "one"), { tenant: "t" });
    for (const scope of [undefined, { tenant: "u" }]) {
      const error = await Promise.resolve(
        resolveItemReferences(store, [{ type: "item_reference", id: "msg_resp_1" }], scope),
      ).catch((caught: unknown) => caught);
      expect(error).toMatchObject({
        status: 400,
        type: "invalid_request_error",
        param: "input.0.id",
        code: "item_not_found",
        message: "Item with id 'msg_resp_1' not found.",
      });
    }
    const error = await Promise.resolve(
      resolveItemReferences({ get: store.get, put: store.put, delete: store.delete }, [
        { type: "message", role: "user", content: "x" },
        { type: "item_reference", id: "msg_resp_1" },
      ]),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, param: "input.1", code: "unsupported_parameter" });
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
