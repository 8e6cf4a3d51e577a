// `startRequestToChat`: the translation of a request of many items, converted a few items at a time (as
// the handler does between time slices), is the one-step translation, whatever the step.
import { describe, expect, it } from "vitest";
import { ResponsesBridgeError } from "../errors.js";
import { parseResponsesRequest } from "../schema/responses-request.js";
import type { ResponseCreateParams, ResponseInputItem } from "../types.js";
import { type ConvertRequestOptions, convertRequestToChat, startRequestToChat } from "./request-to-chat.js";

/** A conversation: user text, the model's text and parallel calls, their outputs, reasoning, a part list. */
function conversation(turns: number, from = 0): ResponseInputItem[] {
  const items: unknown[] = [];
  for (let turn = from; turn < from + turns; turn++) {
    items.push({ role: "user", content: `question ${turn}` });
    items.push({
      type: "reasoning",
      id: `rs_${turn}`,
      summary: [{ type: "summary_text", text: `thinking ${turn}` }],
    });
    items.push({ role: "assistant", content: `looking ${turn}` });
    items.push({ type: "function_call", call_id: `call_${turn}a`, name: "f", arguments: "{}" });
    items.push({ type: "function_call", call_id: `call_${turn}b`, name: "f", arguments: '{"x":1}' });
    items.push({ type: "function_call_output", call_id: `call_${turn}a`, output: "a" });
    items.push({
      type: "function_call_output",
      call_id: `call_${turn}b`,
      output: [{ type: "input_text", text: "b" }],
    });
    items.push({ type: "web_search_call", id: `ws_${turn}`, status: "completed" });
  }
  return items as ResponseInputItem[];
}

function stepwise(request: ResponseCreateParams, options: ConvertRequestOptions, step: number) {
  const builder = startRequestToChat(request, options);
  let calls = 0;
  for (let done = 0; done < builder.itemCount; done += step) {
    builder.convert(step);
    calls++;
  }
  expect(calls).toBe(Math.ceil(builder.itemCount / step));
  return builder.finish();
}

function outcome(run: () => unknown) {
  try {
    return { value: run() };
  } catch (error) {
    if (!ResponsesBridgeError.isInstance(error)) throw error;
    return { error: { status: error.status, param: error.param, code: error.code, message: error.message } };
  }
}

describe("startRequestToChat", () => {
  const request = parseResponsesRequest({
    model: "m",
    instructions: "be brief",
    tools: [{ type: "function", name: "f", parameters: { type: "object" } }],
    input: conversation(40, 10),
  });
  const options: ConvertRequestOptions = {
    history: conversation(10),
    capabilities: { replayReasoning: true },
  };

  it("converts history and input in steps of any size to the one-step translation", () => {
    const whole = convertRequestToChat(request, options);
    expect(whole.params.messages.length).toBeGreaterThan(200);
    expect(whole.warnings.length).toBe(50);
    for (const step of [1, 2, 3, 7, 16, 79, 80, 81, 1000]) {
      expect(stepwise(request, options, step), `step ${step}`).toEqual(whole);
    }
    // Without history too.
    expect(stepwise(request, {}, 5)).toEqual(convertRequestToChat(request, {}));
  });

  it("fails at the same item with the same 400, in any step", () => {
    const input = conversation(30);
    input.splice(150, 0, {
      type: "function_call_output",
      call_id: "nowhere",
      output: "x",
    } as ResponseInputItem);
    const bad = parseResponsesRequest({ model: "m", input });
    const whole = outcome(() => convertRequestToChat(bad));
    expect(whole.error).toMatchObject({ status: 400, param: "input.150.call_id" });
    for (const step of [1, 16, 149, 150, 151]) expect(outcome(() => stepwise(bad, {}, step))).toEqual(whole);
    const empty = parseResponsesRequest({ model: "m", input: [] });
    expect(outcome(() => stepwise(empty, {}, 16))).toEqual(outcome(() => convertRequestToChat(empty)));
  });
});
