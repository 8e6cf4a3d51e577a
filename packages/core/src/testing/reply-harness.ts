// Test-only helpers to run the reply translators and check their output (not exported from the package).
import { accumulateResponse } from "openai/lib/responses/ResponseAccumulator";
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import type { Response, ResponseStreamEvent } from "openai/resources/responses/responses";
import { expect } from "vitest";
import { ChatStreamTranslator, convertChatStreamToEvents } from "../translate/chat-stream-to-events.js";
import { convertChatToResponse } from "../translate/chat-to-response.js";
import type { ReplyOptions } from "../translate/reply/reply-options.js";
import { createResponseObject } from "../translate/response-object.js";
import type { ResponseObject, ResponsesRequest } from "../types.js";
import { deterministicEnvironment, stream } from "./chunks.js";

/** The request every helper answers unless told otherwise. */
export const testRequest: ResponsesRequest = { model: "test-model", input: "hi" };

function baseResponse(request: ResponsesRequest = testRequest): ResponseObject {
  return createResponseObject(request, { id: "resp_1", createdAt: 1 });
}

/** Streams `chunks` through {@link convertChatStreamToEvents} with deterministic ids. */
export async function runStream(
  chunks: readonly ChatCompletionChunk[],
  options: ReplyOptions = {},
  error?: unknown,
): Promise<{ events: ResponseStreamEvent[]; types: string[]; final: ResponseObject }> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of convertChatStreamToEvents(stream(chunks, error), {
    ...options,
    response: baseResponse(),
    environment: deterministicEnvironment(),
  })) {
    events.push(event);
  }
  return { events, types: events.map((event) => event.type), final: terminal(events) };
}

/** Translates `chunks` synchronously (same ids as {@link runStream}); returns every event. */
export function translateChunks(
  chunks: readonly ChatCompletionChunk[],
  options: ReplyOptions = {},
): { events: ResponseStreamEvent[]; final: ResponseObject } {
  const translator = new ChatStreamTranslator({
    ...options,
    response: baseResponse(),
    environment: deterministicEnvironment(),
  });
  const events: ResponseStreamEvent[] = [];
  translator.start(events);
  for (const chunk of chunks) translator.push(chunk, events);
  const final = translator.finish(events);
  translator.end(final, events);
  return { events, final };
}

/** The non-streaming Response for `completion` (same ids as {@link runStream}). */
export function nonStreaming(completion: ChatCompletion, options: ReplyOptions = {}): ResponseObject {
  return convertChatToResponse(completion, {
    ...options,
    response: baseResponse(),
    environment: deterministicEnvironment(),
  });
}

/** The Response in the last (terminal) event. */
export function terminal(events: readonly ResponseStreamEvent[]): ResponseObject {
  return (events.at(-1) as unknown as { response: ResponseObject }).response;
}

/**
 * Folds every event except the terminal one with the openai SDK's own reducer and returns the output it
 * rebuilt from the item events. (The terminal event replaces the whole snapshot, so folding it too would
 * prove nothing.) Throws where the SDK would: a delta for a missing item or part, a part of the wrong type.
 */
export function foldOutput(events: readonly ResponseStreamEvent[]): Response["output"] {
  let snapshot: Response | undefined;
  for (const event of events.slice(0, -1)) snapshot = accumulateResponse(event, snapshot);
  return snapshot!.output;
}

/**
 * Folds the events without any `*.done` event, so only `added` events and deltas count, and checks that
 * the text each item streamed adds up to the final item's: message text and refusal, reasoning text and
 * summary, function arguments and custom tool input.
 */
export function expectDeltasAddUp(events: readonly ResponseStreamEvent[], final: ResponseObject): void {
  let snapshot: Response | undefined;
  for (const event of events.slice(0, -1)) {
    if (!event.type.endsWith(".done")) snapshot = accumulateResponse(event, snapshot);
  }
  const streamed = snapshot!.output;
  expect(streamed.map((item) => item.type)).toEqual(final.output.map((item) => item.type));
  final.output.forEach((item, index) => {
    const partial = streamed[index] as unknown as Record<string, unknown>;
    if (item.type === "message") expect(partial.content).toEqual(item.content.map(withoutLogprobs));
    else if (item.type === "reasoning") {
      expect(partial.content).toEqual(item.content);
      expect(partial.summary).toEqual(item.summary);
    } else if (item.type === "function_call") expect(partial.arguments).toBe(item.arguments);
    else if (item.type === "custom_tool_call") expect(partial.input).toBe(item.input);
  });
}

function withoutLogprobs<T>(part: T): T {
  // The SDK's reducer does not fold delta logprobs; parts are compared without them.
  return (part as { type: string }).type === "output_text" ? ({ ...part, logprobs: [] } as T) : part;
}

/** The concatenated `delta` of every event of `type`. */
export function joinDeltas(events: readonly ResponseStreamEvent[], type: string): string {
  let text = "";
  for (const event of events) if (event.type === type) text += (event as { delta: string }).delta;
  return text;
}

/** Invariants every stream must satisfy, whatever its content. */
export function checkInvariants(events: readonly ResponseStreamEvent[]): void {
  expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
  expect(events[0]?.type).toBe("response.created");
  expect(events[1]?.type).toBe("response.in_progress");
  const terminals = events.filter((event) =>
    ["response.completed", "response.incomplete", "response.failed"].includes(event.type),
  );
  expect(terminals).toHaveLength(1);
  expect(events.at(-1)).toBe(terminals[0]);
  const added = new Map<number, string>();
  const done = new Set<number>();
  for (const event of events) {
    if (event.type === "response.output_item.added") {
      // Items are announced in output order (the SDK pushes them), each once.
      expect(event.output_index).toBe(added.size);
      added.set(event.output_index, event.item.id!);
    } else if (event.type === "response.output_item.done") {
      expect(added.get(event.output_index)).toBe(event.item.id);
      done.add(event.output_index);
    } else if ("item_id" in event && "output_index" in event) {
      // Every delta refers to an item that was added and is not finished yet.
      expect(added.get(event.output_index as number)).toBe(event.item_id);
      expect(done.has(event.output_index as number)).toBe(false);
    }
  }
  if (terminals[0]?.type !== "response.failed") expect(done.size).toBe(added.size);
}

/**
 * Streams `chunks` and checks the contract: invariants, the terminal Response equals the non-streaming
 * Response of `completion`, the SDK's fold of the item events rebuilds its output, and the deltas add up.
 */
export async function expectStreamMatchesNonStreaming(
  chunks: readonly ChatCompletionChunk[],
  completion: ChatCompletion,
  options: ReplyOptions = {},
) {
  const run = await runStream(chunks, options);
  checkInvariants(run.events);
  const expected = nonStreaming(completion, options);
  expect(run.final).toEqual(expected);
  const folded = foldOutput(run.events);
  expect(folded).toEqual(expected.output);
  // Clients compare serialised snapshots too (key order included).
  expect(JSON.stringify(folded)).toBe(JSON.stringify(run.final.output));
  expectDeltasAddUp(run.events, run.final);
  return run;
}
