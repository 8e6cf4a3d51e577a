import { parseSSE } from "./sse.js";
import type { ChatRequestBody, ScriptedBackend } from "./types.js";
import { validateResponseEvents } from "./validate-response-events.js";

// Assertions of the conformance cases: each throws a CaseFailure whose message is the report line.

export type Json = Record<string, unknown>;

export class CaseFailure extends Error {}

/** Thrown by a case that does not apply to the server under test (it refuses the feature with a 400). */
export class CaseSkip extends Error {}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CaseFailure(message);
}

export function fail(message: string): never {
  throw new CaseFailure(message);
}

export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

export async function json(response: Response): Promise<Json> {
  const text = await response.text();
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new CaseFailure(`expected a JSON body, got ${response.status}: ${show(text)}`);
  }
}

export async function expectResponse(response: Response): Promise<Json> {
  if (response.status !== 200) fail(`expected 200, got ${response.status}: ${show(await response.text())}`);
  const type = response.headers.get("content-type") ?? "";
  check(type.includes("application/json"), `expected application/json, got ${show(type)}`);
  const body = await json(response);
  check(body.object === "response", `expected object "response", got ${show(body.object)}`);
  check(typeof body.id === "string" && body.id !== "", "the Response has no id");
  check(Array.isArray(body.output), "the Response has no output array");
  for (const item of body.output as Json[]) {
    check(typeof item.id === "string" && item.id !== "", `an output item has no id: ${show(item)}`);
    if (item.type === "message") {
      check(Array.isArray(item.content), `a message has no content array: ${show(item)}`);
      for (const part of item.content as Json[]) {
        if (part.type === "output_text") {
          check(Array.isArray(part.annotations), `an output_text part has no annotations: ${show(part)}`);
        }
      }
    }
  }
  return body;
}

/** Reads an SSE response, checks it with {@link validateResponseEvents}, returns events and folded Response. */
export async function expectStream(
  response: Response,
  dialect: "openai" | "open-responses" = "openai",
): Promise<{ events: Json[]; folded: Json }> {
  if (response.status !== 200) fail(`expected 200, got ${response.status}: ${show(await response.text())}`);
  const type = response.headers.get("content-type") ?? "";
  check(type.includes("text/event-stream"), `expected text/event-stream, got ${show(type)}`);
  const events: Json[] = [];
  for (const message of parseSSE(await response.text())) {
    if (message.data === "[DONE]") continue;
    let event: Json;
    try {
      event = JSON.parse(message.data) as Json;
    } catch {
      throw new CaseFailure(`an SSE event is not JSON: ${show(message.data)}`);
    }
    if (message.event !== undefined) {
      check(message.event === event.type, `event: ${message.event} does not match type ${show(event.type)}`);
    }
    events.push(event);
  }
  const report = validateResponseEvents(events, { dialect });
  check(report.valid, `the event stream is not valid:\n    ${report.problems.join("\n    ")}`);
  check(report.folded !== undefined, "the stream has no terminal Response");
  return { events, folded: report.folded };
}

export function outputText(response: Json): string {
  let text = "";
  for (const item of response.output as Json[]) {
    if (item.type !== "message" || !Array.isArray(item.content)) continue;
    for (const part of item.content as Json[]) if (part.type === "output_text") text += String(part.text);
  }
  return text;
}

export async function expectError(response: Response, statuses: number[]): Promise<Json> {
  const body = await json(response);
  check(
    statuses.includes(response.status),
    `expected ${statuses.join(" or ")}, got ${response.status}: ${show(body)}`,
  );
  const error = body.error as Json | undefined;
  check(
    typeof error === "object" &&
      error !== null &&
      typeof error.message === "string" &&
      typeof error.type === "string",
    `expected an OpenAI error body { error: { message, type, param, code } }, got ${show(body)}`,
  );
  check("param" in error && "code" in error, `the error body lacks param or code: ${show(body)}`);
  return error;
}

/** Replaces ids and timestamps so two runs of the same scenario compare equal. */
export function normalize(value: unknown): string {
  const ids = new Map<string, string>();
  return JSON.stringify(value, (key, inner: unknown) => {
    if (["id", "item_id", "call_id"].includes(key) && typeof inner === "string") {
      if (!ids.has(inner)) ids.set(inner, `id_${ids.size}`);
      return ids.get(inner);
    }
    if (["created_at", "completed_at", "output_text"].includes(key)) return undefined;
    if (typeof inner === "object" && inner !== null && !Array.isArray(inner)) {
      return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    return inner;
  });
}

export function lastChat(backend: ScriptedBackend): ChatRequestBody {
  const body = backend.requests.filter((record) => record.body !== null).at(-1)?.body;
  check(body, "the server sent no chat request upstream");
  return body;
}

export async function eventually(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    check(Date.now() < deadline, `${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const weatherTool = {
  type: "function",
  name: "get_weather",
  description: "Weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};

/** Accepts either an HTTP error with one of `statuses`, or a stream that ends in `response.failed`. */
export async function expectStreamFailure(response: Response, statuses: number[]): Promise<void> {
  if (response.status !== 200) {
    await expectError(response, statuses);
    return;
  }
  const { events } = await expectStream(response);
  const last = events.at(-1);
  check(
    last?.type === "response.failed" || last?.type === "error",
    `expected HTTP ${statuses.join("/")} or a stream ending in response.failed, got ${show(last?.type)}`,
  );
}
