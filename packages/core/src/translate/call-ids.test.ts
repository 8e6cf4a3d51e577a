import { describe, expect, it } from "vitest";
import { completion } from "../testing/chunks.js";
import { nonStreaming, translateChunks } from "../testing/reply-harness.js";
import { looseChunk, toolCallChunks } from "../testing/reply-scenarios.js";
import { collectCallIds } from "./call-ids.js";

describe("collectCallIds", () => {
  it("collects the call_id of every call and call output of any kind, in every list", () => {
    const ids = collectCallIds(
      [
        { role: "user", content: "hi" },
        { type: "function_call", call_id: "functions.add:0", name: "add", arguments: "{}" },
        { type: "function_call_output", call_id: "functions.add:0", output: "3" },
      ],
      [
        { type: "custom_tool_call", call_id: "call_0", name: "apply_patch", input: "x" },
        { type: "custom_tool_call_output", call_id: "orphan", output: "ok" },
      ],
    );
    expect([...ids].sort()).toEqual(["call_0", "functions.add:0", "orphan"]);
  });
});

describe("a reply whose call id an earlier turn used", () => {
  const reserved = new Set(["functions.add:0"]);
  const chunks = [
    ...toolCallChunks(0, "functions.add:0", "add", '{"a":1}'),
    ...toolCallChunks(1, "functions.add:1", "add", '{"a":2}'),
    looseChunk({}, "tool_calls"),
  ];

  it("gets a fresh call id, streamed and not, and the same one both ways", () => {
    const { final } = translateChunks(chunks, { reservedCallIds: reserved });
    const streamed = final.output.map((item) => (item as { call_id?: string }).call_id);
    expect(streamed[0]).not.toBe("functions.add:0");
    expect(streamed[0]).toMatch(/^call_/);
    expect(streamed[1]).toBe("functions.add:1");
    const json = nonStreaming(
      completion({
        toolCalls: [
          { id: "functions.add:0", name: "add", arguments: '{"a":1}' },
          { id: "functions.add:1", name: "add", arguments: '{"a":2}' },
        ],
      }),
      { reservedCallIds: reserved },
    );
    expect(json.output.map((item) => (item as { call_id?: string }).call_id)).toEqual(streamed);
  });

  it("keeps the backend's id when nothing collides", () => {
    const { final } = translateChunks(chunks);
    expect(final.output.map((item) => (item as { call_id?: string }).call_id)).toEqual([
      "functions.add:0",
      "functions.add:1",
    ]);
  });
});
