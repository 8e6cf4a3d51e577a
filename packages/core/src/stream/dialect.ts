import type { ResponseStreamEvent } from "openai/resources/responses/responses";

/**
 * The names a stream's events use:
 * - `"openai"` (default): OpenAI's, which the openai SDK, Codex, the AI SDK and the Agents SDK read
 *   (reasoning text as `response.reasoning_text.delta` / `.done`);
 * - `"open-responses"`: the Open Responses specification's (version 2026-04-24), where reasoning text
 *   is `response.reasoning.delta` / `.done`.
 *
 * Response objects (JSON bodies and the `response` of lifecycle events) are the same in both: they
 * already follow the specification's schemas.
 */
export type ResponsesDialect = "openai" | "open-responses";

/** OpenAI event name → the Open Responses name, for the events whose names differ. */
const OPEN_RESPONSES_EVENT_TYPES: ReadonlyMap<string, string> = new Map([
  ["response.reasoning_text.delta", "response.reasoning.delta"],
  ["response.reasoning_text.done", "response.reasoning.done"],
]);

/**
 * An event as the Open Responses dialect names it: the same object when its name is the same in both
 * dialects, otherwise a copy with the specification's `type`.
 */
export function toOpenResponsesEvent(event: ResponseStreamEvent): ResponseStreamEvent {
  const type = OPEN_RESPONSES_EVENT_TYPES.get(event.type);
  return type === undefined ? event : ({ ...event, type } as unknown as ResponseStreamEvent);
}

/**
 * Checks a `dialect` option.
 *
 * @throws {TypeError} when it is neither `"openai"` nor `"open-responses"`.
 */
export function parseDialect(value: unknown): ResponsesDialect {
  if (value === undefined || value === "openai") return "openai";
  if (value === "open-responses") return "open-responses";
  throw new TypeError(`dialect must be "openai" or "open-responses", got ${JSON.stringify(value)}`);
}
