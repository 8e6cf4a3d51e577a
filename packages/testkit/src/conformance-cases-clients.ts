import type { ConformanceCase } from "./conformance-cases.js";
import {
  CaseFailure,
  check,
  expectResponse,
  expectStream,
  type Json,
  lastChat,
  outputText,
  show,
} from "./conformance-checks.js";
import { parseSSE } from "./sse.js";
import type { Scenario } from "./types.js";

// Cases for defects that break real clients (Codex, the openai SDK, the AI SDK, the Agents SDK) even
// when every event looks well formed. Each failure message says what the client loses.

const BOTH = ["openai", "open-responses"] as const;

const addTool = {
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

const applyPatchTool = {
  type: "custom",
  name: "apply_patch",
  description: "Applies a patch to the workspace.",
};

/** A patch with the characters a naive JSON or whitespace handling corrupts. */
const PATCH =
  '*** Begin Patch\n*** Update File: src/a.ts\n@@\n-const a = "x";\n+const a = "y\\n\\t";  \n*** End Patch\n';

function usageLine(usage: unknown): string {
  if (typeof usage !== "object" || usage === null) return show(usage);
  const value = usage as Json;
  return `input_tokens ${show(value.input_tokens)}, output_tokens ${show(value.output_tokens)}, total_tokens ${show(value.total_tokens)}`;
}

function callsOf(response: Json): Json[] {
  return (response.output as Json[]).filter(
    (item) => typeof item.call_id === "string" && item.type !== "function_call_output",
  );
}

/** Reads an SSE body with a deadline, so a stream that never ends fails instead of hanging. */
async function readWithDeadline(response: Response, ms: number): Promise<{ text: string; ended: boolean }> {
  check(response.status === 200 && response.body, `expected a 200 stream, got ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) {
      await reader.cancel().catch(() => {});
      return { text, ended: false };
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(resolve, left, "timeout");
    });
    const next = await Promise.race([reader.read().catch(() => ({ done: true as const })), timeout]);
    clearTimeout(timer);
    if (next === "timeout") {
      await reader.cancel().catch(() => {});
      return { text, ended: false };
    }
    if (next.done) return { text, ended: true };
    text += decoder.decode(next.value, { stream: true });
  }
}

/** The cases for what real clients need; appended to the conformance list. */
export const CLIENT_CASES: ConformanceCase[] = [
  {
    name: "usage: streamed usage equals JSON usage",
    dialects: BOTH,
    async run({ backend, model, post, dialect }) {
      const usage = { prompt_tokens: 31, completion_tokens: 9, cached_tokens: 4, reasoning_tokens: 2 };
      backend.enqueue({ text: "Counted.", usage }, { text: "Counted.", usage });
      const json = await expectResponse(await post({ model, input: "count" }));
      const { events } = await expectStream(await post({ model, input: "count", stream: true }), dialect);
      const streamed = (events.at(-1)?.response as Json | undefined)?.usage as Json | undefined;
      const expected = json.usage as Json | undefined;
      check(
        expected?.input_tokens === 31 && expected.output_tokens === 9 && expected.total_tokens === 40,
        `JSON usage is ${usageLine(expected)}, expected 31 / 9 / 40 from the upstream: clients bill and budget context from it`,
      );
      check(
        streamed?.input_tokens === expected.input_tokens &&
          streamed.output_tokens === expected.output_tokens &&
          streamed.total_tokens === expected.total_tokens,
        `the streamed response.completed usage is ${usageLine(streamed)} but the JSON usage is ${usageLine(expected)}: Codex and the AI SDK read token counts only from the stream, so they see wrong numbers (Codex compacts its context from them)`,
      );
      const details = (value: Json | undefined, key: string, field: string) =>
        (value?.[key] as Json | undefined)?.[field];
      check(
        details(streamed, "input_tokens_details", "cached_tokens") === 4 &&
          details(streamed, "output_tokens_details", "reasoning_tokens") === 2,
        `the streamed usage details are ${show(streamed)}, expected cached_tokens 4 and reasoning_tokens 2: the spec requires both and Codex reads them`,
      );
    },
  },
  {
    name: "tools: function_call_arguments.done before output_item.done",
    dialects: BOTH,
    async run({ backend, model, post, dialect }) {
      backend.enqueue({
        toolCalls: [{ name: "add", arguments: '{"a":2,"b":40}', id: "call_args" }],
        chunkSize: 3,
      });
      const { events } = await expectStream(
        await post({ model, input: "add", tools: [addTool], stream: true }),
        dialect,
      );
      const done = events.findIndex(
        (event) =>
          event.type === "response.output_item.done" && (event.item as Json).type === "function_call",
      );
      check(done !== -1, `no function_call item was finished: ${show(events.map((event) => event.type))}`);
      const itemId = (events[done]!.item as Json).id;
      const argsDone = events.findIndex(
        (event) => event.type === "response.function_call_arguments.done" && event.item_id === itemId,
      );
      check(
        argsDone !== -1 && argsDone < done,
        argsDone === -1
          ? "no response.function_call_arguments.done for the call: clients that run a tool on that event (the openai SDK's responses.stream() listeners, LangChain, Open Responses clients) never run it"
          : "response.function_call_arguments.done came after the call's output_item.done: clients that read the final arguments from it see a finished call without arguments",
      );
      check(
        events[argsDone]?.arguments === '{"a":2,"b":40}',
        `function_call_arguments.done carries ${show(events[argsDone]?.arguments)}, expected the whole arguments {"a":2,"b":40}: the tool runs with wrong input`,
      );
    },
  },
  {
    name: "tools: custom tool round trip keeps the exact input",
    dialects: ["openai"],
    async run({ backend, model, post, dialect }) {
      const scenario: Scenario = {
        toolCalls: [{ name: "apply_patch", arguments: JSON.stringify({ input: PATCH }), id: "call_patch" }],
        chunkSize: 5,
      };
      backend.enqueue(scenario, scenario, { text: "Patched." });
      const request = { model, input: "patch it", tools: [applyPatchTool] };
      const json = await expectResponse(await post(request));
      const upstreamTools = JSON.stringify(lastChat(backend).tools ?? []);
      check(
        upstreamTools.includes("apply_patch"),
        `the custom tool apply_patch was not offered upstream (tools: ${show(upstreamTools)}): Codex cannot edit files`,
      );
      const jsonCall = (json.output as Json[]).find((item) => item.call_id === "call_patch");
      check(
        jsonCall?.type === "custom_tool_call" && jsonCall.input === PATCH,
        `the JSON reply has ${show(jsonCall)}, expected a custom_tool_call with the raw patch as input: the patch does not apply`,
      );
      const { folded } = await expectStream(await post({ ...request, stream: true }), dialect);
      const call = (folded.output as Json[]).find((item) => item.call_id === "call_patch");
      check(
        call?.type === "custom_tool_call",
        `the call came back as ${show(call?.type)}, expected custom_tool_call: Codex rejects it ("tool apply_patch invoked with incompatible payload")`,
      );
      check(
        call.input === PATCH && call.name === "apply_patch",
        `custom_tool_call.input is ${show(call.input)}, expected the raw patch ${show(PATCH)}: the patch does not apply`,
      );
      const second = await expectResponse(
        await post({
          model,
          previous_response_id: folded.id,
          tools: [applyPatchTool],
          input: [{ type: "custom_tool_call_output", call_id: "call_patch", output: "Done!" }],
        }),
      );
      check(
        outputText(second) === "Patched.",
        `the answer after the tool output is ${show(outputText(second))}`,
      );
      const messages = lastChat(backend).messages as unknown as Json[];
      const call2 = messages.find(
        (message) =>
          message.role === "assistant" && JSON.stringify(message.tool_calls ?? []).includes("call_patch"),
      );
      const output = messages.find(
        (message) => message.role === "tool" && message.tool_call_id === "call_patch",
      );
      check(
        call2 !== undefined && output !== undefined && JSON.stringify(call2).includes("End Patch"),
        `the custom tool call and its output were not replayed upstream: ${show(messages)}: the model does not see that its patch ran`,
      );
    },
  },
  reasoningCase("openai", "response.reasoning_text"),
  reasoningCase("open-responses", "response.reasoning"),
  {
    name: "faults: an upstream break mid-stream ends in response.failed",
    dialects: BOTH,
    async run({ backend, model, post }) {
      backend.enqueue({ text: "This reply breaks off half way through.", chunkSize: 2, breakAfterChunks: 4 });
      const { text, ended } = await readWithDeadline(await post({ model, input: "x", stream: true }), 10_000);
      check(
        ended,
        "the stream did not end within 10 s after the upstream broke: the client hangs until its idle timeout (Codex: 5 minutes)",
      );
      const types: string[] = [];
      for (const message of parseSSE(text)) {
        if (message.data === "[DONE]") continue;
        try {
          types.push(String((JSON.parse(message.data) as Json).type));
        } catch {
          throw new CaseFailure(`an SSE event is not JSON: ${show(message.data)}`);
        }
      }
      const last = types.at(-1);
      check(
        last !== "response.completed" && last !== "response.incomplete",
        `the stream ended with ${show(last)} after the upstream broke: the client takes a truncated answer for a whole one`,
      );
      check(
        last === "response.failed",
        `the stream ended with ${show(last ?? "no event")} instead of response.failed: the client sees a broken connection (Codex: "stream closed before response.completed") instead of a failed Response it can report or retry`,
      );
    },
  },
  {
    name: "tools: call ids unique across turns",
    dialects: BOTH,
    async run({ backend, model, post }) {
      // A backend that restarts its numbering every turn (Kimi, a constant call_0, Xinference).
      const turn = (a: number): Scenario => ({
        toolCalls: [{ name: "add", arguments: `{"a":${a},"b":1}`, id: "call_0" }],
      });
      backend.enqueue(turn(1), turn(2), turn(1), turn(2));
      const first = await expectResponse(await post({ model, input: "add", tools: [addTool] }));
      const firstId = callsOf(first)[0]?.call_id;
      check(typeof firstId === "string", `the first turn has no tool call: ${show(first.output)}`);
      const second = await expectResponse(
        await post({
          model,
          previous_response_id: first.id,
          tools: [addTool],
          input: [{ type: "function_call_output", call_id: firstId, output: "2" }],
        }),
      );
      const secondId = callsOf(second)[0]?.call_id;
      check(
        typeof secondId === "string" && secondId !== firstId,
        `the second turn reused call_id ${show(secondId)} of the first turn: the OpenAI Agents SDK stops the run ("Tool call ID ${String(secondId)} was reused") and Codex mixes up tool outputs`,
      );
      // Stateless: the client resends everything with store: false.
      const input: Json[] = [{ role: "user", content: "add" }];
      const ids: string[] = [];
      for (let index = 0; index < 2; index++) {
        const response = await expectResponse(
          await post({ model, input, tools: [addTool], store: false, stream: false }),
        );
        const call = callsOf(response)[0];
        check(call, `turn ${index + 1} of the stateless conversation has no tool call`);
        ids.push(String(call.call_id));
        input.push(call, { type: "function_call_output", call_id: call.call_id, output: "2" });
      }
      check(
        ids[0] !== ids[1],
        `with store: false the second turn reused call_id ${show(ids[1])}: the Agents SDK stops the run`,
      );
      const messages = lastChat(backend).messages as unknown as Json[];
      const sentCalls = messages.flatMap((message) =>
        ((message.tool_calls as Json[] | undefined) ?? []).map((call) => call.id),
      );
      const sentOutputs = messages.flatMap((message) =>
        message.role === "tool" ? [message.tool_call_id] : [],
      );
      check(
        show(sentCalls) === show(sentOutputs) && new Set(sentCalls).size === sentCalls.length,
        `the history sent upstream pairs calls ${show(sentCalls)} with outputs ${show(sentOutputs)}: the backend rejects it or answers the wrong call`,
      );
    },
  },
];

function reasoningCase(
  dialect: "openai" | "open-responses",
  textEvent: "response.reasoning_text" | "response.reasoning",
): ConformanceCase {
  return {
    name: `reasoning: items with summary and text events (${dialect})`,
    dialects: [dialect],
    async run({ backend, model, post }) {
      const reasoning = "The user wants a greeting; keep it short.";
      const scenario: Scenario = { reasoning, text: "Hello!", chunkSize: 6 };
      backend.enqueue(scenario, scenario);
      const request = { model, input: "hi", reasoning: { effort: "low", summary: "auto" } };
      const json = await expectResponse(await post(request));
      const item = (json.output as Json[])[0];
      check(
        item?.type === "reasoning",
        `the JSON output starts with ${show(item?.type)}, expected a reasoning item: the model's reasoning is lost`,
      );
      const { events, folded } = await expectStream(await post({ ...request, stream: true }), dialect);
      const types = events.map((event) => String(event.type));
      const streamedItem = (folded.output as Json[])[0];
      const summary = (streamedItem?.summary as Json[] | undefined)?.map((part) => part.text).join("");
      check(
        streamedItem?.type === "reasoning" && summary === reasoning,
        `the streamed reasoning item's summary is ${show(summary)}, expected the reasoning text: the AI SDK and Codex show reasoning only from summary[]`,
      );
      check(
        types.includes("response.reasoning_summary_text.delta"),
        "no response.reasoning_summary_text.delta events: the AI SDK and Codex show no reasoning while it streams",
      );
      const other = textEvent === "response.reasoning" ? "response.reasoning_text" : "response.reasoning";
      check(
        types.includes(`${textEvent}.delta`) && types.includes(`${textEvent}.done`),
        `no ${textEvent}.delta/.done events${types.some((type) => type.startsWith(`${other}.`)) ? ` (the stream uses ${other}.*)` : ""}: ${dialect === "openai" ? "the openai SDK and Codex" : "Open Responses clients"} lose the raw reasoning text`,
      );
      check(
        outputText(folded) === "Hello!",
        `the answer after the reasoning is ${show(outputText(folded))}, expected "Hello!"`,
      );
    },
  };
}
