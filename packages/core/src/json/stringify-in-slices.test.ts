import { describe, expect, it } from "vitest";
import { encodeStoredResponseInSlices } from "../store/encode-in-slices.js";
import { encodeStoredResponse } from "../store/stored-records.js";
import type { StoredResponse } from "../types.js";
import { BYTES_FROM_CHARS, serializeInSlices } from "./stringify-in-slices.js";
import { TimeSlice } from "./time-slice.js";

describe("serializeInSlices", () => {
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
      expect(await serializeInSlices(value, new TimeSlice(0), Number.POSITIVE_INFINITY)).toBe(
        JSON.stringify(value),
      );
    }
  });

  it("settles a small value within the current macrotask, and gives the event loop back after joining a long text", async () => {
    const ranBefore = async (value: unknown) => {
      let ran = false;
      const timer = setImmediate(() => {
        ran = true;
      });
      const text = await serializeInSlices(value, new TimeSlice(60_000), Number.POSITIVE_INFINITY);
      clearImmediate(timer);
      expect(text).toBe(JSON.stringify(value));
      return ran;
    };
    // A chat request of a few messages: one JSON.stringify, no macrotask added to every upstream call.
    expect(await ranBefore({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true })).toBe(
      false,
    );
    // Many messages, but short, and the slice not used up: still no pause.
    const short = new Array(100).fill({ role: "user", content: "hi" });
    expect(await ranBefore({ model: "m", messages: short })).toBe(false);
    // A long joined text: its reader starts on a later macrotask.
    const long = new Array(100).fill({ role: "user", content: "x".repeat(1_000) });
    expect(await ranBefore({ model: "m", messages: long })).toBe(true);
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

  it("hands out a large text as its UTF-8 bytes, characters split across batches included, and a small one as text", async () => {
    // Every message holds multi-byte characters, so batch boundaries fall next to them.
    const messages = new Array(3_000).fill(0).map((_, index) => ({
      role: "user",
      content: `${index} héllo 😀 ${"x".repeat(400)} \u2028 ${"字".repeat(index % 13)}`,
    }));
    const value = { model: "m", messages, stream: true };
    const text = JSON.stringify(value);
    expect(text.length).toBeGreaterThan(BYTES_FROM_CHARS);
    const large = await serializeInSlices(value, new TimeSlice(0));
    expect(large).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(large as Uint8Array).equals(Buffer.from(text))).toBe(true);

    const small = { model: "m", messages: messages.slice(0, 100) };
    expect(await serializeInSlices(small, new TimeSlice(0))).toBe(JSON.stringify(small));
    // The threshold is the text's length in characters.
    expect(await serializeInSlices(small, new TimeSlice(0), JSON.stringify(small).length)).toBeInstanceOf(
      Uint8Array,
    );
  });
});
