// The memory store's byte bound is a bound on the heap: filled with many small turns (the shape that
// made object graphs cost 21 times their JSON length), the heap it keeps after GC stays within a small
// multiple of `maxBytes`.

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createMemoryStore, type StoredResponse } from "@responses-bridge/core";
import { describe, expect, it } from "vitest";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function collect(): number {
  for (let round = 0; round < 3; round++) gc();
  // The store keeps its records' bytes outside the JavaScript heap: count both.
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** A small turn with several tiny items: many objects per JSON byte. */
function smallTurn(index: number): StoredResponse {
  const id = `resp_${index.toString(16).padStart(12, "0")}`;
  return {
    id,
    previousResponseId: null,
    input: [
      { id: `msg_in_${index}`, type: "message", role: "user", content: [{ type: "input_text", text: "a" }] },
      { type: "function_call_output", call_id: `c${index}`, output: "1" },
    ] as StoredResponse["input"],
    response: {
      id,
      object: "response",
      created_at: 1,
      status: "completed",
      model: "m",
      output: [
        {
          id: `fc_${index}`,
          type: "function_call",
          call_id: `c${index}`,
          name: "f",
          arguments: "{}",
          status: "completed",
        },
        {
          id: `msg_${index}`,
          type: "message",
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: "b", annotations: [] }],
        },
      ],
      usage: null,
    } as unknown as StoredResponse["response"],
  };
}

describe("memory store heap bound", () => {
  it("keeps the memory it holds (heap and buffers) within 2x maxBytes after GC, with many small turns", async () => {
    const maxBytes = 8 * 1024 * 1024;
    const before = collect();
    const store = createMemoryStore({ maxBytes, maxEntries: 10_000_000 });
    let index = 0;
    // Fill until eviction has run for a while: twice what the bound holds.
    while (index < 40_000) await store.put(smallTurn(index++));
    const after = collect();
    const growth = after - before;
    console.log(
      `memory store: ${store.size} turns, counted ${(store.bytes / 2 ** 20).toFixed(1)} MiB, memory growth ${(growth / 2 ** 20).toFixed(1)} MiB after GC (bound ${maxBytes / 2 ** 20} MiB)`,
    );
    expect(store.bytes).toBeLessThanOrEqual(maxBytes);
    expect(store.size).toBeLessThan(index);
    expect(growth).toBeLessThan(maxBytes * 2);
    expect(await store.get(smallTurn(index - 1).id)).toEqual(smallTurn(index - 1));
  });
});
