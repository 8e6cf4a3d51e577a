import { describe, expect, it } from "vitest";
import type { IdPrefix, ResponseInputItem } from "../types.js";
import { identifyInputItems, identifyInputItemsInSlices } from "./input-items.js";

function counter() {
  let next = 0;
  return (prefix: IdPrefix) => `${prefix}_${next++}`;
}

describe("identifyInputItemsInSlices", () => {
  it("gives the items the ids and parts identifyInputItems gives, in the same order", async () => {
    const items = Array.from({ length: 1_000 }, (_, index) => {
      switch (index % 4) {
        case 0:
          return { role: "user", content: `text ${index}` };
        case 1:
          return { type: "message", role: "assistant", id: `msg_own_${index}`, content: `answer ${index}` };
        case 2:
          return { type: "function_call", call_id: `call_${index}`, name: "f", arguments: "{}" };
        default:
          return { type: "function_call_output", call_id: `call_${index - 1}`, output: "ok", id: "fco_1" };
      }
    }) as ResponseInputItem[];
    const sliced = await identifyInputItemsInSlices(items, counter());
    expect(sliced).toEqual(identifyInputItems(items, counter()));
    expect(sliced[0]).toMatchObject({ type: "message", id: "msg_0", status: "completed" });
    expect(sliced[3]).toBe(items[3]);
  });
});
