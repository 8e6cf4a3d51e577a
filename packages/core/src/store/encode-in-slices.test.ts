import { describe, expect, it } from "vitest";
import { TimeSlice } from "../json/time-slice.js";
import type { StoredResponse } from "../types.js";
import { encodeStoredResponseInSlices, itemKeysInSlices } from "./encode-in-slices.js";
import { scopedKey } from "./scope.js";
import { encodeStoredResponse, itemIdsOf } from "./stored-records.js";

/** A turn of `count` input items, texts beyond Latin-1 and surrogate pairs, some ids repeated or missing. */
function turn(count: number): StoredResponse {
  const input = Array.from({ length: count }, (_, index) => ({
    type: "message",
    role: index % 2 ? "assistant" : "user",
    ...(index % 5 === 4 ? {} : { id: `msg_${index % 97}` }),
    content: [{ type: "input_text", text: `${"é😀 ".repeat(index % 300)}${index}` }],
  }));
  return {
    id: "resp_1",
    previousResponseId: null,
    input,
    response: {
      id: "resp_1",
      object: "response",
      output: [{ type: "message", id: "msg_out" }, { id: "msg_3" }],
    },
  } as unknown as StoredResponse;
}

describe("a stored turn of many items, in slices", () => {
  it("is the UTF-8 of encodeStoredResponse, across the batches it is encoded in", async () => {
    for (const count of [0, 63, 64, 3_000]) {
      const record = turn(count);
      const bytes = await encodeStoredResponseInSlices(record, new TimeSlice(0));
      const expected = new TextEncoder().encode(encodeStoredResponse(record));
      expect(bytes.byteLength).toBe(expected.byteLength);
      // Byte for byte (a decode would hide a pair cut in two between batches).
      expect(bytes.every((byte, index) => byte === expected[index])).toBe(true);
    }
  });

  it("has the item keys of itemIdsOf, in order, each once", async () => {
    for (const count of [3, 64, 3_000]) {
      const record = turn(count);
      for (const scope of [undefined, { tenant: "acme" }]) {
        expect(await itemKeysInSlices(record, scope, new TimeSlice(0))).toEqual(
          itemIdsOf(record).map((id) => scopedKey(id, scope)),
        );
      }
    }
  });
});
