import { describe, expect, it } from "vitest";
import { encodeStoredResponseInSlices } from "../store/encode-in-slices.js";
import { encodeStoredResponse } from "../store/stored-records.js";
import type { StoredResponse } from "../types.js";
import { stringifyInSlices } from "./stringify-in-slices.js";
import { TimeSlice } from "./time-slice.js";

describe("stringifyInSlices", () => {
  it("gives JSON.stringify's text for long arrays, objects holding them, and everything else", async () => {
    const message = {
      role: "user",
      content: 'héllo \u0000 \ud800 😀 "quoted"',
      skipped: undefined,
      fn: () => 1,
    };
    const messages = new Array(300)
      .fill(0)
      .map((_, index) => (index % 7 === 0 ? undefined : { ...message, index }));
    const values: unknown[] = [
      { model: "m", messages, stream: false, missing: undefined, tools: [{ type: "function" }] },
      messages,
      { date: new Date(0), list: new Array(100).fill(new Date(1)) },
      "a string",
      42,
      null,
      { toJSON: () => ({ replaced: new Array(100).fill(1) }) },
      Object.assign(Object.create(null), { list: new Array(70).fill([1, "x"]) }),
    ];
    for (const value of values) {
      expect(await stringifyInSlices(value, new TimeSlice(0))).toBe(JSON.stringify(value));
    }
  });

  it("encodes a stored turn of many items exactly as encodeStoredResponse does", async () => {
    const record = {
      id: "resp_1",
      previousResponseId: "resp_0",
      input: new Array(500).fill({
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "x😀" }],
      }),
      response: {
        id: "resp_1",
        object: "response",
        output: new Array(80).fill({ type: "message", id: "m" }),
      },
    } as unknown as StoredResponse;
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    expect(text(await encodeStoredResponseInSlices(record, new TimeSlice(0)))).toBe(
      encodeStoredResponse(record),
    );
    const small = { ...record, input: record.input.slice(0, 3), previousResponseId: null };
    expect(text(await encodeStoredResponseInSlices(small))).toBe(encodeStoredResponse(small));
  });
});
