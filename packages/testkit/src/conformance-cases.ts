import { CLIENT_CASES } from "./conformance-cases-clients.js";
import {
  check,
  eventually,
  expectError,
  expectResponse,
  expectStream,
  expectStreamFailure,
  type Json,
  json,
  lastChat,
  normalize,
  outputText,
  show,
  weatherTool,
} from "./conformance-checks.js";
import type { Scenario, ScriptedBackend } from "./types.js";

/**
 * Which event and object names a case checks: OpenAI's (`response.reasoning_text.*`, what the openai SDK
 * and Codex read) or the Open Responses specification's (`response.reasoning.*`).
 */
export type ConformanceDialect = "openai" | "open-responses";

/** What a case gets: the scripted upstream, the model, and requests to the server under test. */
export interface CaseContext {
  backend: ScriptedBackend;
  model: string;
  /** The dialect the server under test speaks. */
  dialect: ConformanceDialect;
  post(body: unknown, init?: { signal?: AbortSignal; raw?: boolean }): Promise<Response>;
  /** Any other request; `body` is sent as JSON. */
  request(method: string, path: string, body?: unknown): Promise<Response>;
}

export interface ConformanceCase {
  name: string;
  /** The dialects the case checks; it runs only when the server under test speaks one of them. */
  dialects: readonly ConformanceDialect[];
  run(context: CaseContext): Promise<void>;
}

const BOTH: readonly ConformanceDialect[] = ["openai", "open-responses"];

/** The cases, in the order they run. */
export const CONFORMANCE_CASE_LIST: ConformanceCase[] = [
  {
    name: "text: JSON",
    dialects: BOTH,
    async run({ backend, model, post }) {
      const text = "Hello from the conformance suite.";
      backend.enqueue({ text, usage: { prompt_tokens: 12, completion_tokens: 7 } });
      const response = await expectResponse(await post({ model, input: "Say hello" }));
      check(response.status === "completed", `expected status completed, got ${show(response.status)}`);
      check(
        outputText(response) === text,
        `expected output text ${show(text)}, got ${show(outputText(response))}`,
      );
      const usage = response.usage as Json | undefined;
      check(
        usage?.input_tokens === 12 && usage.output_tokens === 7 && usage.total_tokens === 19,
        `expected usage 12 in / 7 out / 19 total, got ${show(usage)}`,
      );
      const chat = lastChat(backend);
      check(chat.stream !== true, "a non-streaming request was sent upstream with stream: true");
      check(
        chat.messages.some(
          (message) => message.role === "user" && JSON.stringify(message.content).includes("Say hello"),
        ),
        `the user input is missing upstream: ${show(chat.messages)}`,
      );
    },
  },
  {
    name: "text: stream",
    dialects: BOTH,
    async run({ backend, model, post, dialect }) {
      const scenario: Scenario = { text: "Streaming works, chunk by chunk.", chunkSize: 3 };
      backend.enqueue(scenario, scenario);
      const { events, folded } = await expectStream(
        await post({ model, input: "go", stream: true }),
        dialect,
      );
      check(
        events.at(-1)?.type === "response.completed",
        `expected response.completed last, got ${show(events.at(-1)?.type)}`,
      );
      const deltas = events.filter((event) => event.type === "response.output_text.delta");
      check(deltas.length > 1, `expected several output_text deltas, got ${deltas.length}`);
      check(outputText(folded) === scenario.text, `the folded text is ${show(outputText(folded))}`);
      check(lastChat(backend).stream === true, "a streaming request was not streamed upstream");
      const nonStreaming = await expectResponse(await post({ model, input: "go" }));
      check(
        normalize(folded) === normalize(nonStreaming),
        `the streamed Response differs from the non-streaming one:\n    stream: ${show(folded)}\n    json:   ${show(nonStreaming)}`,
      );
    },
  },
  {
    name: "tools: parallel calls (stream)",
    dialects: BOTH,
    async run({ backend, model, post }) {
      backend.enqueue({
        toolCalls: [
          { name: "get_weather", arguments: '{"city":"Oslo"}', id: "call_oslo" },
          { name: "get_weather", arguments: '{"city":"Lima"}', id: "call_lima" },
        ],
        interleaveToolCalls: true,
        chunkSize: 2,
      });
      const { folded } = await expectStream(
        await post({ model, input: "both", tools: [weatherTool], stream: true }),
      );
      const calls = (folded.output as Json[]).filter((item) => item.type === "function_call");
      check(calls.length === 2, `expected 2 function_call items, got ${show(folded.output)}`);
      const expected = [
        ["call_oslo", '{"city":"Oslo"}'],
        ["call_lima", '{"city":"Lima"}'],
      ];
      expected.forEach(([callId, args], index) => {
        const call = calls[index] as Json;
        check(
          call.call_id === callId &&
            call.name === "get_weather" &&
            call.arguments === args &&
            call.status === "completed",
          `function_call ${index} is ${show(call)}`,
        );
      });
      const tools = lastChat(backend).tools as Json[] | undefined;
      check(
        tools?.some((tool) => (tool.function as Json | undefined)?.name === "get_weather"),
        `the tool was not sent upstream as a chat function tool: ${show(tools)}`,
      );
    },
  },
  {
    name: "previous_response_id: tool round trip",
    dialects: BOTH,
    async run({ backend, model, post }) {
      backend.enqueue(
        { toolCalls: [{ name: "get_weather", arguments: '{"city":"Oslo"}', id: "call_oslo" }] },
        { text: "It is 3 degrees in Oslo." },
      );
      const first = await expectResponse(
        await post({ model, input: "Weather in Oslo?", tools: [weatherTool] }),
      );
      const call = (first.output as Json[]).find((item) => item.type === "function_call");
      check(
        call?.call_id === "call_oslo",
        `expected a function_call with call_id call_oslo, got ${show(first.output)}`,
      );
      const second = await expectResponse(
        await post({
          model,
          previous_response_id: first.id,
          input: [{ type: "function_call_output", call_id: "call_oslo", output: '{"celsius":3}' }],
          tools: [weatherTool],
        }),
      );
      check(outputText(second) === "It is 3 degrees in Oslo.", `got ${show(outputText(second))}`);
      check(
        second.previous_response_id === first.id,
        `previous_response_id is ${show(second.previous_response_id)}`,
      );
      const messages = lastChat(backend).messages as unknown as Json[];
      const user = messages.findIndex(
        (message) => message.role === "user" && JSON.stringify(message.content).includes("Weather in Oslo?"),
      );
      const assistant = messages.findIndex(
        (message) =>
          message.role === "assistant" && JSON.stringify(message.tool_calls ?? []).includes("call_oslo"),
      );
      const tool = messages.findIndex(
        (message) => message.role === "tool" && message.tool_call_id === "call_oslo",
      );
      check(
        user !== -1 && user < assistant && assistant < tool,
        `the second chat request must replay user, assistant tool call, tool output in order: ${show(messages)}`,
      );
    },
  },
  {
    name: "retrieve and delete a stored response",
    dialects: BOTH,
    async run({ backend, model, post, request }) {
      backend.enqueue({ text: "kept" });
      const created = await expectResponse(await post({ model, input: "keep me" }));
      const path = `/responses/${String(created.id)}`;
      const retrieved = await expectResponse(await request("GET", path));
      check(
        retrieved.id === created.id && outputText(retrieved) === "kept",
        `GET returned ${show(retrieved)}`,
      );
      const deleted = await request("DELETE", path);
      check(deleted.status === 200, `DELETE answered ${deleted.status}`);
      const body = await json(deleted);
      check(body.deleted === true && body.id === created.id, `DELETE returned ${show(body)}`);
      await expectError(await request("GET", path), [404]);
    },
  },
  {
    name: "incomplete: length finish",
    dialects: BOTH,
    async run({ backend, model, post }) {
      const scenario: Scenario = { text: "This was cut", finishReason: "length" };
      backend.enqueue(scenario, scenario);
      const response = await expectResponse(await post({ model, input: "long", max_output_tokens: 16 }));
      check(response.status === "incomplete", `expected status incomplete, got ${show(response.status)}`);
      check(
        (response.incomplete_details as Json | null)?.reason === "max_output_tokens",
        `expected incomplete_details.reason max_output_tokens, got ${show(response.incomplete_details)}`,
      );
      const { events } = await expectStream(
        await post({ model, input: "long", max_output_tokens: 16, stream: true }),
      );
      check(
        events.at(-1)?.type === "response.incomplete",
        `expected response.incomplete last, got ${show(events.at(-1)?.type)}`,
      );
    },
  },
  {
    name: "upstream 429: rate limit mapped",
    dialects: BOTH,
    async run({ backend, model, post }) {
      const limited: Scenario = { error: { status: 429, headers: { "retry-after": "7" } } };
      backend.enqueue(limited, limited);
      const response = await post({ model, input: "x" });
      const error = await expectError(response.clone(), [429]);
      check(error.type === "rate_limit_error", `expected type rate_limit_error, got ${show(error.type)}`);
      check(
        response.headers.get("retry-after") === "7",
        `retry-after is ${show(response.headers.get("retry-after"))}`,
      );
      await expectStreamFailure(await post({ model, input: "x", stream: true }), [429]);
    },
  },
  {
    name: "upstream 500: server error mapped",
    dialects: BOTH,
    async run({ backend, model, post }) {
      backend.enqueue({ error: { status: 500 } }, { error: { status: 500 } });
      const error = await expectError(await post({ model, input: "x" }), [500, 502, 503]);
      check(error.type === "server_error", `expected type server_error, got ${show(error.type)}`);
      await expectStreamFailure(await post({ model, input: "x", stream: true }), [500, 502, 503]);
    },
  },
  {
    name: "malformed body: 400",
    dialects: BOTH,
    async run({ backend, model, post }) {
      const notJson = await expectError(await post("{nope", { raw: true }), [400]);
      check(
        notJson.type === "invalid_request_error",
        `expected invalid_request_error, got ${show(notJson.type)}`,
      );
      const badInput = await expectError(await post({ model, input: 42 }), [400]);
      check(badInput.param === "input", `expected param "input", got ${show(badInput.param)}`);
      check(backend.requests.length === 0, "a malformed request reached the upstream");
    },
  },
  {
    name: "unknown ids: 404 and 400",
    dialects: BOTH,
    async run({ backend, model, post, request }) {
      await expectError(await request("GET", "/responses/resp_doesnotexist0000"), [404]);
      const error = await expectError(
        await post({ model, input: "x", previous_response_id: "resp_doesnotexist0000" }),
        [400, 404],
      );
      check(
        error.param === "previous_response_id",
        `expected param previous_response_id, got ${show(error.param)}`,
      );
      check(
        backend.requests.length === 0,
        "a request with an unknown previous_response_id reached the upstream",
      );
    },
  },
  {
    name: "disconnect: cancels the upstream",
    dialects: BOTH,
    async run({ backend, model, post }) {
      backend.enqueue({ text: "x".repeat(2000), chunkSize: 1, delayMs: 10 });
      const controller = new AbortController();
      const response = await post({ model, input: "slow", stream: true }, { signal: controller.signal });
      check(response.status === 200 && response.body, `expected a 200 stream, got ${response.status}`);
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let text = "";
      while (!text.includes("response.output_text.delta")) {
        const { done, value } = await reader.read();
        check(!done, "the stream ended before the first text delta");
        text += decoder.decode(value, { stream: true });
      }
      controller.abort();
      await reader.cancel().catch(() => {});
      await eventually(() => backend.requests.at(-1)?.aborted === true, "the upstream request being aborted");
      check(backend.requests.at(-1)?.completed === false, "the upstream stream completed anyway");
    },
  },
  ...CLIENT_CASES,
];
