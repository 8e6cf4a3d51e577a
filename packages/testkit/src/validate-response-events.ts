/** What {@link validateResponseEvents} found. */
export interface ResponseEventsReport {
  /** True when no problem was found. */
  valid: boolean;
  /** One line per problem, naming the event (`#index type`) it was found at. */
  problems: string[];
  /**
   * The Response rebuilt from the events: the terminal event's `response` with `output` replaced by
   * the items folded from the item events. Undefined without a terminal `response`.
   */
  folded?: Record<string, unknown>;
}

type Json = Record<string, unknown>;

/** Options of {@link validateResponseEvents}. */
export interface ValidateResponseEventsOptions {
  /**
   * The event names to expect: `"openai"` (default; reasoning text as `response.reasoning_text.*`, what
   * the openai SDK and Codex read) or `"open-responses"` (the specification's `response.reasoning.*`).
   * An event of the other dialect is a problem.
   */
  dialect?: "openai" | "open-responses";
}

/** The Open Responses names of OpenAI's reasoning text events, and back. */
const OPEN_RESPONSES_REASONING = new Map([
  ["response.reasoning.delta", "response.reasoning_text.delta"],
  ["response.reasoning.done", "response.reasoning_text.done"],
]);

interface ItemState {
  item: Json;
  done: boolean;
  /** Content parts (`content_part.*`) or reasoning summary parts, with their text accumulated. */
  parts: Json[];
  partsDone: boolean[];
  summary: Json[];
  /** Accumulated `arguments` (function calls) or `input` (custom tool calls). */
  argumentsText?: string;
}

const LIFECYCLE = new Set([
  "response.created",
  "response.queued",
  "response.in_progress",
  "response.completed",
  "response.incomplete",
  "response.failed",
]);
const TERMINAL: Record<string, string | undefined> = {
  "response.completed": "completed",
  "response.incomplete": "incomplete",
  "response.failed": "failed",
  error: undefined,
};
/** Event types that carry an `output_index` of a hosted tool item; checked for order only. */
const HOSTED_TOOL_EVENT =
  /^response\.(web_search_call|file_search_call|code_interpreter_call|code_interpreter_call_code|image_generation_call|mcp_call|mcp_call_arguments|mcp_list_tools)\.[a-z_]+$/;
const OTHER_KNOWN = new Set([
  "response.audio.delta",
  "response.audio.done",
  "response.audio.transcript.delta",
  "response.audio.transcript.done",
  "response.output_text.annotation.added",
  "keepalive",
]);

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON with object keys sorted, so two values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    isObject(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1))) : inner,
  );
}

function clip(value: unknown): string {
  const text = canonical(value) ?? String(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * Checks a Responses event stream the way the strictest clients read it (the `openai` SDK's
 * `responses.stream()`, Codex, the AI SDK), and folds it:
 *
 * - `sequence_number` is 0, 1, 2, … and every event type is one the SDK knows;
 * - the first event is `response.created`; every lifecycle event carries a `response` with the same id;
 * - exactly one terminal event (`response.completed|incomplete|failed` or `error`), and it is the last,
 *   with a matching `response.status`;
 * - `response.output_item.added` comes before any event of its `output_index`, indices run 0, 1, 2, …,
 *   item ids (and `call_id`s) are non-empty and unique, a message starts with `content: []`;
 * - content parts are added (in order) before their deltas, deltas name the right `item_id`, the
 *   `*.done` events repeat exactly the accumulated text or arguments;
 * - every item ends with `response.output_item.done` (before a completed or incomplete terminal), whole:
 *   equal to what its events built, with a `status`; nothing refers to an item after it is done;
 * - the terminal Response's `output`, when present, equals the folded items.
 *
 * Returns every problem found rather than throwing; pass the parsed `data` of each SSE event. In the
 * `open-responses` dialect reasoning text events are named `response.reasoning.delta` / `.done`.
 */
export function validateResponseEvents(
  events: readonly unknown[],
  options: ValidateResponseEventsOptions = {},
): ResponseEventsReport {
  const openResponses = options.dialect === "open-responses";
  const problems: string[] = [];
  const items: ItemState[] = [];
  const ids = new Set<string>();
  const callIds = new Set<string>();
  let responseId: string | undefined;
  let terminal: { index: number; event: Json } | undefined;
  let terminals = 0;

  events.forEach((raw, index) => {
    const type = isObject(raw) && typeof raw.type === "string" ? raw.type : undefined;
    const at = `#${index} ${type ?? "(no type)"}`;
    const problem = (message: string) => problems.push(`${at}: ${message}`);
    if (!isObject(raw) || type === undefined) {
      problem(`not an event object with a string "type": ${clip(raw)}`);
      return;
    }
    if (openResponses && type.startsWith("response.reasoning_text.")) {
      problem(`not an Open Responses event: the specification names it ${type.replace("_text", "")}`);
    }
    const event = raw;
    if (event.sequence_number !== index) {
      problem(`sequence_number is ${clip(event.sequence_number)}, expected ${index}`);
    }
    if (terminal !== undefined) problem(`comes after the terminal event #${terminal.index}`);
    if (index === 0 && type !== "response.created") problem("the first event must be response.created");

    if (LIFECYCLE.has(type)) {
      const response = event.response;
      if (!isObject(response) || typeof response.id !== "string" || response.id === "") {
        problem("has no response object with an id");
      } else {
        responseId ??= response.id;
        if (response.id !== responseId) problem(`response.id changed from ${responseId} to ${response.id}`);
        const status = TERMINAL[type];
        if (status !== undefined && response.status !== status) {
          problem(`response.status is ${clip(response.status)}, expected "${status}"`);
        }
        if (type === "response.created" && !["in_progress", "queued"].includes(String(response.status))) {
          problem(`response.status is ${clip(response.status)}, expected "in_progress" or "queued"`);
        }
      }
    }
    if (type in TERMINAL) {
      terminals += 1;
      terminal ??= { index, event };
      return;
    }
    if (LIFECYCLE.has(type)) return;

    if (type === "response.output_item.added") {
      addItem(event, items, ids, callIds, problem);
      return;
    }
    const known =
      type.startsWith("response.output_item.") ||
      type.startsWith("response.content_part.") ||
      type.startsWith("response.output_text.") ||
      type.startsWith("response.refusal.") ||
      type.startsWith("response.function_call_arguments.") ||
      type.startsWith("response.custom_tool_call_input.") ||
      type.startsWith("response.reasoning_summary_") ||
      type.startsWith("response.reasoning_text.") ||
      HOSTED_TOOL_EVENT.test(type) ||
      OTHER_KNOWN.has(type) ||
      (openResponses && OPEN_RESPONSES_REASONING.has(type));
    if (!known) {
      problem(
        OPEN_RESPONSES_REASONING.has(type)
          ? "an Open Responses event name: the openai SDK and Codex expect response.reasoning_text.*"
          : "unknown event type (the openai SDK's responses.stream() rejects it)",
      );
      return;
    }
    if (typeof event.output_index !== "number") {
      if (!OTHER_KNOWN.has(type)) problem("has no output_index");
      return;
    }
    const state = items[event.output_index];
    if (!state) {
      problem(`output_index ${event.output_index} was never added (response.output_item.added)`);
      return;
    }
    if (state.done) {
      problem(`output_index ${event.output_index} is already done`);
      return;
    }
    if ("item_id" in event && event.item_id !== state.item.id) {
      problem(`item_id ${clip(event.item_id)} is not the item's id ${clip(state.item.id)}`);
    }
    applyItemEvent(OPEN_RESPONSES_REASONING.get(type) ?? type, event, state, problem);
  });

  if (events.length === 0) problems.push("the stream is empty");
  else if (terminals === 0)
    problems.push("no terminal event (response.completed, incomplete, failed or error)");
  else if (terminals > 1) problems.push(`${terminals} terminal events, expected exactly one`);

  let folded: Json | undefined;
  const response = terminal?.event.response;
  if (terminal && isObject(response)) {
    const status = response.status;
    const output = items.map((state) => state.item);
    if (status === "completed" || status === "incomplete") {
      items.forEach((state, outputIndex) => {
        if (!state.done) problems.push(`output_index ${outputIndex} never got response.output_item.done`);
      });
      if (Array.isArray(response.output) && canonical(response.output) !== canonical(output)) {
        problems.push(
          `the terminal Response's output differs from the folded events:\n  terminal: ${clip(response.output)}\n  folded:   ${clip(output)}`,
        );
      }
    }
    folded = { ...response, output };
  }
  return folded === undefined
    ? { valid: problems.length === 0, problems }
    : { valid: problems.length === 0, problems, folded };
}

function addItem(
  event: Json,
  items: ItemState[],
  ids: Set<string>,
  callIds: Set<string>,
  problem: (message: string) => void,
): void {
  const item = event.item;
  if (event.output_index !== items.length) {
    problem(`output_index is ${clip(event.output_index)}, expected ${items.length}`);
  }
  if (!isObject(item) || typeof item.type !== "string") {
    problem("has no item with a type");
    return;
  }
  const hasId = typeof item.id === "string" && item.id !== "";
  const hasCallId = typeof item.call_id === "string" && item.call_id !== "";
  if (!hasId && !(item.type === "function_call" && hasCallId)) problem("the item has no id");
  if (hasId) {
    if (ids.has(item.id as string)) problem(`duplicate item id ${item.id as string}`);
    ids.add(item.id as string);
  }
  if (hasCallId) {
    if (callIds.has(item.call_id as string)) problem(`duplicate call_id ${item.call_id as string}`);
    callIds.add(item.call_id as string);
  }
  if (item.type === "message" && (!Array.isArray(item.content) || item.content.length > 0)) {
    problem("a message item must be added with content: []");
  }
  items.push({ item: structuredClone(item), done: false, parts: [], partsDone: [], summary: [] });
}

/** The field of a content part that deltas append to. */
function textField(partType: unknown): string {
  return partType === "refusal" ? "refusal" : "text";
}

function applyItemEvent(
  type: string,
  event: Json,
  state: ItemState,
  problem: (message: string) => void,
): void {
  const item = state.item;
  const contentIndex = event.content_index;
  const part = typeof contentIndex === "number" ? state.parts[contentIndex] : undefined;
  const needPart = (partType: string[]): Json | undefined => {
    if (!part) {
      problem(`content_index ${clip(contentIndex)} was never added (response.content_part.added)`);
      return undefined;
    }
    if (!partType.includes(String(part.type)))
      problem(`the part at this content_index is ${clip(part.type)}`);
    if (state.partsDone[contentIndex as number])
      problem(`content_index ${clip(contentIndex)} is already done`);
    return part;
  };
  switch (type) {
    case "response.output_item.done": {
      finishItem(event, state, problem);
      return;
    }
    case "response.content_part.added": {
      if (contentIndex !== state.parts.length) {
        problem(`content_index is ${clip(contentIndex)}, expected ${state.parts.length}`);
      }
      if (!isObject(event.part) || typeof event.part.type !== "string") {
        problem("has no part with a type");
        return;
      }
      state.parts.push(structuredClone(event.part));
      state.partsDone.push(false);
      if (Array.isArray(item.content)) item.content.push(state.parts.at(-1));
      return;
    }
    case "response.content_part.done": {
      const current = needPart(["output_text", "refusal", "reasoning_text"]);
      if (!current) return;
      if (canonical(event.part) !== canonical(current)) {
        problem(`part ${clip(event.part)} differs from the accumulated ${clip(current)}`);
      }
      state.partsDone[contentIndex as number] = true;
      return;
    }
    case "response.output_text.delta":
    case "response.refusal.delta":
    case "response.reasoning_text.delta": {
      const partType = type.startsWith("response.refusal")
        ? "refusal"
        : type.startsWith("response.reasoning")
          ? "reasoning_text"
          : "output_text";
      const current = needPart([partType]);
      if (!current) return;
      if (typeof event.delta !== "string") problem("delta is not a string");
      const field = textField(current.type);
      current[field] = `${String(current[field] ?? "")}${String(event.delta ?? "")}`;
      // Log probabilities ride on the text deltas and add up in the part.
      if (Array.isArray(event.logprobs) && event.logprobs.length > 0) {
        current.logprobs = [...(Array.isArray(current.logprobs) ? current.logprobs : []), ...event.logprobs];
      }
      return;
    }
    case "response.output_text.done":
    case "response.refusal.done":
    case "response.reasoning_text.done": {
      const current = needPart(["output_text", "refusal", "reasoning_text"]);
      if (!current) return;
      const field = type === "response.refusal.done" ? "refusal" : "text";
      if (event[field] !== current[textField(current.type)]) {
        problem(
          `${field} ${clip(event[field])} differs from the deltas ${clip(current[textField(current.type)])}`,
        );
      }
      return;
    }
    case "response.function_call_arguments.delta":
    case "response.custom_tool_call_input.delta": {
      const expected = type.startsWith("response.function") ? "function_call" : "custom_tool_call";
      if (item.type !== expected) problem(`the item is ${clip(item.type)}, not ${expected}`);
      if (typeof event.delta !== "string") problem("delta is not a string");
      state.argumentsText = `${state.argumentsText ?? ""}${String(event.delta ?? "")}`;
      return;
    }
    case "response.function_call_arguments.done":
    case "response.custom_tool_call_input.done": {
      const field = type.startsWith("response.function") ? "arguments" : "input";
      if (state.argumentsText !== undefined && event[field] !== state.argumentsText) {
        problem(`${field} ${clip(event[field])} differs from the deltas ${clip(state.argumentsText)}`);
      }
      state.argumentsText = typeof event[field] === "string" ? event[field] : state.argumentsText;
      return;
    }
    case "response.reasoning_summary_part.added": {
      if (event.summary_index !== state.summary.length) {
        problem(`summary_index is ${clip(event.summary_index)}, expected ${state.summary.length}`);
      }
      state.summary.push(
        isObject(event.part) ? structuredClone(event.part) : { type: "summary_text", text: "" },
      );
      return;
    }
    case "response.reasoning_summary_text.delta": {
      const summary = state.summary[event.summary_index as number];
      if (!summary) {
        problem(`summary_index ${clip(event.summary_index)} was never added`);
        return;
      }
      summary.text = `${String(summary.text ?? "")}${String(event.delta ?? "")}`;
      return;
    }
    case "response.reasoning_summary_text.done":
    case "response.reasoning_summary_part.done": {
      const summary = state.summary[event.summary_index as number];
      const text = type.endsWith("text.done")
        ? event.text
        : isObject(event.part)
          ? event.part.text
          : undefined;
      if (!summary) problem(`summary_index ${clip(event.summary_index)} was never added`);
      else if (text !== summary.text)
        problem(`text ${clip(text)} differs from the deltas ${clip(summary.text)}`);
      return;
    }
    default:
      return;
  }
}

function finishItem(event: Json, state: ItemState, problem: (message: string) => void): void {
  const done = event.item;
  if (!isObject(done) || done.type !== state.item.type) {
    problem(`the done item ${clip(done)} is not the added ${clip(state.item.type)} item`);
    return;
  }
  if (done.id !== state.item.id) problem(`the done item's id ${clip(done.id)} is not ${clip(state.item.id)}`);
  if (["message", "function_call", "custom_tool_call"].includes(done.type as string) && !done.status) {
    problem(`the done ${done.type as string} item has no status`);
  }
  if (done.type === "message") {
    const content = Array.isArray(done.content) ? done.content : [];
    if (canonical(content) !== canonical(state.parts)) {
      problem(`the done message's content ${clip(content)} differs from its events ${clip(state.parts)}`);
    }
    for (const part of content) {
      if (isObject(part) && part.type === "output_text" && !Array.isArray(part.annotations)) {
        problem("an output_text part has no annotations array");
      }
    }
  }
  if (done.type === "function_call" || done.type === "custom_tool_call") {
    const field = done.type === "function_call" ? "arguments" : "input";
    if (typeof done[field] !== "string") problem(`the done ${done.type} has no string ${field}`);
    else if (state.argumentsText !== undefined && done[field] !== state.argumentsText) {
      problem(`the done ${done.type}'s ${field} ${clip(done[field])} differ from the deltas`);
    }
    if (typeof done.call_id !== "string" || done.call_id === "")
      problem(`the done ${done.type} has no call_id`);
  }
  if (done.type === "reasoning" && state.summary.length > 0) {
    if (canonical(done.summary) !== canonical(state.summary)) {
      problem(
        `the done reasoning summary ${clip(done.summary)} differs from its events ${clip(state.summary)}`,
      );
    }
  }
  if (done.type === "reasoning" && state.parts.length > 0) {
    if (canonical(done.content) !== canonical(state.parts)) {
      problem(
        `the done reasoning content ${clip(done.content)} differs from its events ${clip(state.parts)}`,
      );
    }
  }
  state.item = structuredClone(done);
  state.done = true;
}
