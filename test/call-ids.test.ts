// Call ids unique per conversation: backends that restart their tool-call numbering every turn must
// not make a client see an id twice. Driven by the real OpenAI Agents SDK (which throws
// `ModelBehaviorError: Tool call ID … was reused` on a repeat) and the real openai SDK, against the
// scripted upstream, with three id styles seen in the wild.

import { Agent, OpenAIResponsesModel, run, setTracingDisabled, tool } from "@openai/agents";
import type OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { closeHarness, type Harness, startHarness } from "./utils/harness.js";

/** Per-turn id styles: the id each turn's n-th call gets. */
const ID_STYLES: Array<[string, (index: number) => string]> = [
  // Kimi K2 (Moonshot, vLLM's kimi_k2 parser): `functions.<name>:<index>`, restarting every turn.
  ["kimi", (index) => `functions.add:${index}`],
  // A constant `call_0` (reported for Grok through some gateways).
  ["constant call_0", () => "call_0"],
  // Xinference: the same id on every call (xorbitsai/inference#4237).
  ["xinference", () => "call_7d7b3c5e-7a5f-4b1e-9d55-2b2f3e9a0c11"],
];

const addTool: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "add",
  description: "Adds two numbers",
  parameters: {
    type: "object",
    properties: { a: { type: "number" }, b: { type: "number" } },
    required: ["a", "b"],
  },
  strict: false,
};

/** Every assistant `tool_calls[].id` and `tool` message id of a chat request, in order. */
function chatCallIds(messages: ChatCompletionMessageParam[]): { calls: string[]; outputs: string[] } {
  const calls: string[] = [];
  const outputs: string[] = [];
  for (const message of messages) {
    if (message.role === "assistant") for (const call of message.tool_calls ?? []) calls.push(call.id);
    if (message.role === "tool") outputs.push(message.tool_call_id);
  }
  return { calls, outputs };
}

let harness: Harness | undefined;
afterEach(async () => {
  const closing = harness;
  harness = undefined;
  await closeHarness(closing);
});

beforeAll(() => setTracingDisabled(true));

describe.each(ID_STYLES)("call ids in the %s style", (_style, idOf) => {
  /** Two tool turns (each reusing the backend's ids), then the answer. */
  function enqueueTwoToolTurns(h: Harness): void {
    h.backend.enqueue(
      { toolCalls: [{ name: "add", arguments: '{"a":1,"b":2}', id: idOf(0) }] },
      { toolCalls: [{ name: "add", arguments: '{"a":3,"b":4}', id: idOf(0) }] },
      { text: "The sums are 3 and 7." },
    );
  }

  for (const stream of [false, true]) {
    it(`the Agents SDK runs a multi-turn tool loop (${stream ? "streamed" : "JSON"})`, async () => {
      harness = await startHarness("node");
      enqueueTwoToolTurns(harness);
      const seen: string[] = [];
      const add = tool({
        name: "add",
        description: "Adds two numbers",
        parameters: z.object({ a: z.number(), b: z.number() }),
        execute: async ({ a, b }) => {
          seen.push(`${a}+${b}`);
          return String(a + b);
        },
      });
      const agent = new Agent({
        name: "Calculator",
        instructions: "Use the add tool.",
        model: new OpenAIResponsesModel(harness.client as never, "m1"),
        tools: [add],
      });
      let output: unknown;
      if (stream) {
        const result = await run(agent, "Add 1+2, then 3+4.", { stream: true, maxTurns: 6 });
        for await (const _event of result) {
          // drain
        }
        await result.completed;
        output = result.finalOutput;
      } else {
        output = (await run(agent, "Add 1+2, then 3+4.", { maxTurns: 6 })).finalOutput;
      }
      expect(output).toBe("The sums are 3 and 7.");
      expect(seen).toEqual(["1+2", "3+4"]);
      // The history sent upstream pairs every call with its output under one id, and ids are unique.
      const last = chatCallIds(
        harness.backend.requests.at(-1)!.body!.messages as ChatCompletionMessageParam[],
      );
      expect(last.calls).toEqual(last.outputs);
      expect(new Set(last.calls).size).toBe(2);
      // The first turn keeps the backend's id (nothing collided yet).
      expect(last.calls[0]).toBe(idOf(0));
    });
  }

  it("the openai SDK sees unique ids with previous_response_id and with store: false", async () => {
    harness = await startHarness("node");
    const client = harness.client;
    // Stored chain: the second turn's call must not reuse the first turn's id.
    enqueueTwoToolTurns(harness);
    const first = await client.responses.create({ model: "m1", input: "add", tools: [addTool] });
    const firstCall = first.output.find((item) => item.type === "function_call")!;
    expect(firstCall.call_id).toBe(idOf(0));
    const second = await client.responses.create({
      model: "m1",
      previous_response_id: first.id,
      input: [{ type: "function_call_output", call_id: firstCall.call_id, output: "3" }],
      tools: [addTool],
    });
    const secondCall = second.output.find((item) => item.type === "function_call")!;
    expect(secondCall.call_id).not.toBe(firstCall.call_id);
    const streamed = await client.responses
      .stream({
        model: "m1",
        previous_response_id: second.id,
        input: [{ type: "function_call_output", call_id: secondCall.call_id, output: "7" }],
        tools: [addTool],
      })
      .finalResponse();
    expect(streamed.output_text).toBe("The sums are 3 and 7.");
    const chained = chatCallIds(
      harness.backend.requests.at(-1)!.body!.messages as ChatCompletionMessageParam[],
    );
    expect(chained).toEqual({
      calls: [firstCall.call_id, secondCall.call_id],
      outputs: [firstCall.call_id, secondCall.call_id],
    });

    // Stateless: the client resends every item verbatim with store: false.
    enqueueTwoToolTurns(harness);
    const history: OpenAI.Responses.ResponseInputItem[] = [{ role: "user", content: "add" }];
    const ids: string[] = [];
    for (let turn = 0; turn < 3; turn++) {
      const response = await client.responses
        .stream({ model: "m1", input: history, tools: [addTool], store: false })
        .finalResponse();
      const call = response.output.find((item) => item.type === "function_call");
      if (!call) {
        expect(response.output_text).toBe("The sums are 3 and 7.");
        break;
      }
      ids.push(call.call_id);
      history.push(...(response.output as OpenAI.Responses.ResponseInputItem[]));
      history.push({ type: "function_call_output", call_id: call.call_id, output: String(turn) });
    }
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    const stateless = chatCallIds(
      harness.backend.requests.at(-1)!.body!.messages as ChatCompletionMessageParam[],
    );
    expect(stateless).toEqual({ calls: ids, outputs: ids });
  });
});

it("a repeated id inside one reply and one from an earlier turn both get fresh ids", async () => {
  harness = await startHarness("node");
  harness.backend.enqueue({
    toolCalls: [
      { name: "add", arguments: '{"a":1,"b":1}', id: "call_0" },
      { name: "add", arguments: '{"a":2,"b":2}', id: "call_0" },
      { name: "add", arguments: '{"a":3,"b":3}', id: "call_9" },
    ],
  });
  const response = await harness.client.responses.create({
    model: "m1",
    tools: [addTool],
    input: [
      { role: "user", content: "add" },
      { type: "function_call", call_id: "call_9", name: "add", arguments: "{}" },
      { type: "function_call_output", call_id: "call_9", output: "0" },
    ],
  });
  const ids = response.output.flatMap((item) => (item.type === "function_call" ? [item.call_id] : []));
  expect(ids).toHaveLength(3);
  expect(ids[0]).toBe("call_0");
  expect(new Set([...ids, "call_9"]).size).toBe(4);
  for (const id of ids) expect(id.length).toBeLessThanOrEqual(64);
});
