import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { describe, expect, it, vi } from "vitest";
import { encodeStoredResponse } from "../store/stored-records.js";
import { encodeSSEEvent, encodeTranslatorEvent } from "./encode-sse-event.js";

/** The delta events the template encoder writes itself, each carrying `delta`. */
function deltaEvents(delta: string): ResponseStreamEvent[] {
  const common = { sequence_number: 7, item_id: "msg_0123", output_index: 1 };
  return [
    { type: "response.output_text.delta", ...common, content_index: 0, delta, logprobs: [] },
    { type: "response.function_call_arguments.delta", ...common, delta },
    { type: "response.custom_tool_call_input.delta", ...common, delta },
    { type: "response.reasoning_text.delta", ...common, content_index: 0, delta },
  ] as ResponseStreamEvent[];
}

describe("encodeTranslatorEvent", () => {
  it("writes a delta byte for byte as JSON.stringify does, for every UTF-16 code unit", () => {
    const mismatches: number[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const delta = `a${String.fromCharCode(code)}b`;
      for (const event of deltaEvents(delta)) {
        if (encodeTranslatorEvent(event) !== encodeSSEEvent(event)) mismatches.push(code);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("writes escapes, surrogate pairs, lone surrogates and line separators as JSON.stringify does", () => {
    const deltas = [
      "",
      " the",
      'say "hi"',
      "C:\\path\\",
      "line\nbreak\r\ttab\u0000\u001f\u007f",
      "😀 and 中文",
      "\ud83d",
      "x\ude00y",
      "\ude00\ud83d",
      "\u2028\u2029",
      "</script>",
    ];
    for (const delta of deltas) {
      for (const event of deltaEvents(delta)) {
        const line = encodeTranslatorEvent(event);
        expect(line).toBe(encodeSSEEvent(event));
        // A client reads the same text back.
        const data = line.split("\n")[1]!.slice("data: ".length);
        expect((JSON.parse(data) as { delta: string }).delta).toBe(delta);
      }
    }
  });

  it("names the right item and indices when deltas of several streams, items and parts interleave", () => {
    // Concurrent streams share the encoder: each change of item, output index or content index (or to an
    // event without a content index) must show in the next event, and a return to an earlier one too.
    const variants = [
      { item_id: "msg_a", output_index: 0, content_index: 0 },
      { item_id: "msg_a", output_index: 0, content_index: 1 },
      { item_id: "msg_a", output_index: 2, content_index: 1 },
      { item_id: "msg_b", output_index: 2, content_index: 1 },
      { item_id: 'msg_"quoted"', output_index: 0, content_index: 0 },
    ];
    const events: ResponseStreamEvent[] = [];
    for (let round = 0; round < 3; round++) {
      for (const [index, fields] of variants.entries()) {
        const common = { sequence_number: round * 100 + index, ...fields, delta: `d${index}` };
        events.push(
          { type: "response.output_text.delta", ...common, logprobs: [] } as ResponseStreamEvent,
          { type: "response.reasoning_text.delta", ...common } as ResponseStreamEvent,
          {
            type: "response.function_call_arguments.delta",
            sequence_number: common.sequence_number,
            item_id: fields.item_id,
            output_index: fields.output_index,
            delta: common.delta,
          } as ResponseStreamEvent,
          { type: "response.output_text.delta", ...common, logprobs: [] } as ResponseStreamEvent,
        );
      }
    }
    for (const event of events) expect(encodeTranslatorEvent(event)).toBe(encodeSSEEvent(event));
  });

  it("writes the first delta a fresh encoder sees right, whatever its fields", async () => {
    vi.resetModules();
    const fresh = await import("./encode-sse-event.js");
    const event = {
      type: "response.function_call_arguments.delta",
      sequence_number: 0,
      item_id: "",
      output_index: -1,
      delta: "x",
    } as ResponseStreamEvent;
    expect(fresh.encodeTranslatorEvent(event)).toBe(fresh.encodeSSEEvent(event));
  });
});

describe("encodeTranslatorEvent on events of other shapes", () => {
  it("falls back to JSON.stringify instead of failing when a done event lacks what its template needs", () => {
    const odd = [
      {
        type: "response.content_part.done",
        sequence_number: 1,
        item_id: "m",
        output_index: 0,
        content_index: 0,
      },
      { type: "response.output_item.done", sequence_number: 2, output_index: 0, item: null },
      {
        type: "response.output_item.done",
        sequence_number: 3,
        output_index: 0,
        item: { id: "m", type: "message", status: "completed", role: "assistant", content: [null] },
      },
      {
        type: "response.output_text.done",
        sequence_number: 4,
        item_id: "m",
        output_index: 0,
        content_index: 0,
        text: "t",
        logprobs: [],
        extra: true,
      },
    ] as unknown as ResponseStreamEvent[];
    for (const event of odd) expect(encodeTranslatorEvent(event)).toBe(encodeSSEEvent(event));
  });
});

describe("encodeTranslatorEvent on terminal events of a stored turn", () => {
  const response = () => ({
    id: "resp_1",
    object: "response",
    status: "completed",
    output: [{ id: "msg_1", type: "message", text: 'quote " and \u2028 and é' }],
    usage: null,
  });

  it("writes the Response as the store serialised it, the same bytes as JSON.stringify, once", () => {
    for (const type of ["response.completed", "response.incomplete", "response.failed"]) {
      const final = response();
      const stored = encodeStoredResponse({
        id: final.id,
        previousResponseId: null,
        input: [],
        response: final as never,
      });
      expect(stored.endsWith(`\n${JSON.stringify(final)}`)).toBe(true);
      const event = { type, sequence_number: 9, response: final } as unknown as ResponseStreamEvent;
      expect(encodeTranslatorEvent(event)).toBe(encodeSSEEvent(event));
      // Handed out once: a later encoding of a changed Response is serialised afresh.
      final.status = "failed";
      expect(encodeTranslatorEvent(event)).toBe(encodeSSEEvent(event));
    }
  });

  it("serialises a terminal event of another shape, or of a Response nobody stored, as JSON.stringify does", () => {
    const final = response();
    encodeStoredResponse({ id: final.id, previousResponseId: null, input: [], response: final as never });
    const extra = { type: "response.completed", sequence_number: 3, response: final, extra: 1 };
    expect(encodeTranslatorEvent(extra as never)).toBe(encodeSSEEvent(extra as never));
    const unstored = { type: "response.completed", sequence_number: 4, response: response() };
    expect(encodeTranslatorEvent(unstored as never)).toBe(encodeSSEEvent(unstored as never));
  });
});
