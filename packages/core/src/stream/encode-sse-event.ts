import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { takeResponseJson } from "../json/response-json.js";

/**
 * One SSE frame for a Responses event: `event: <type>\ndata: <single-line JSON>\n\n` (LF only).
 * JSON never contains a raw newline, so the data always fits on one line.
 */
export function encodeSSEEvent(event: ResponseStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** An SSE comment line (`: text`), used as a keep-alive; clients ignore it. */
export function encodeSSEComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
}

/**
 * `JSON.stringify(text)` for a string: a string with nothing to escape (no quote, backslash, control
 * character or surrogate) is its characters in quotes, found by one scan that costs a third of
 * `JSON.stringify` for the few characters of a token; anything else goes to `JSON.stringify`.
 */
function jsonString(text: string): string {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 34 || code === 92 || (code >= 0xd800 && code <= 0xdfff)) {
      return JSON.stringify(text);
    }
  }
  return `"${text}"`;
}

/** `JSON.stringify` of a string that comes again and again: the last one is remembered until `forget()`. */
interface LastJson {
  (text: string): string;
  /** Drops the remembered string (a finished text is not kept once its events are written). */
  forget(): void;
}

function lastJson(): LastJson {
  let last = "";
  let json = '""';
  const encode = (text: string) => {
    if (text !== last) {
      last = text;
      json = JSON.stringify(text);
    }
    return json;
  };
  return Object.assign(encode, {
    forget() {
      last = "";
      json = '""';
    },
  });
}

/** An item's `.done` events (its text, its part, the item) name it again and again. */
const itemIdJson = lastJson();
/** A finished text is in its `.done` event, its part and its item (forgotten after the item's event). */
const textJson = lastJson();

// What `deltaFields` remembers; a fresh object equals no argument, so the first call always writes.
let fieldsItem: unknown = {};
let fieldsOutput: unknown;
let fieldsContent: unknown;
let fieldsJson = "";

/**
 * The fields between a delta event's `sequence_number` and its `delta`, which every delta of one content
 * part (or one call's arguments) repeats: `,"item_id":…,"output_index":…,"content_index":…,"delta":`, the
 * content index left out when it is null. The last one is remembered. A delta event is then five pieces
 * joined, not eleven (each join of a template is a string of its own until the text is written).
 */
function deltaFields(itemId: string, outputIndex: number, contentIndex: number | null): string {
  if (itemId !== fieldsItem || outputIndex !== fieldsOutput || contentIndex !== fieldsContent) {
    fieldsItem = itemId;
    fieldsOutput = outputIndex;
    fieldsContent = contentIndex;
    fieldsJson = `,"item_id":${JSON.stringify(itemId)},"output_index":${outputIndex}${contentIndex === null ? "" : `,"content_index":${contentIndex}`},"delta":`;
  }
  return fieldsJson;
}
/** A content part as the translator builds it, or `undefined` for anything else. */
function partJson(part: unknown): string | undefined {
  if (part === null || typeof part !== "object") return undefined;
  const { type, text, annotations, logprobs } = part as Record<string, unknown>;
  if (typeof text !== "string") return undefined;
  const keys = Object.keys(part as object).length;
  if (type === "output_text") {
    if (keys !== 4 || !isEmptyArray(annotations) || !isEmptyArray(logprobs)) return undefined;
    return `{"type":"output_text","text":${textJson(text)},"annotations":[],"logprobs":[]}`;
  }
  if (type === "reasoning_text" && keys === 2) return `{"type":"reasoning_text","text":${textJson(text)}}`;
  return undefined;
}

function isEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}

/** A finished `message` or `reasoning` item as the translator builds it (text parts only), or `undefined`. */
function textItemJson(item: unknown): string | undefined {
  if (item === null || typeof item !== "object") return undefined;
  const { id, type, status, content, role, summary } = item as Record<string, unknown>;
  if (typeof id !== "string" || !Array.isArray(content) || content.length !== 1) return undefined;
  const part = partJson(content[0]);
  if (part === undefined) return undefined;
  const keys = Object.keys(item).length;
  if (type === "message" && keys === 5 && role === "assistant" && typeof status === "string") {
    return `{"id":${itemIdJson(id)},"type":"message","status":${JSON.stringify(status)},"role":"assistant","content":[${part}]}`;
  }
  if (type === "reasoning" && keys === 4 && isEmptyArray(summary)) {
    return `{"id":${itemIdJson(id)},"type":"reasoning","summary":[],"content":[${part}]}`;
  }
  return undefined;
}

/**
 * {@link encodeSSEEvent} for events exactly as the stream translator builds them, byte for byte the
 * same output: the delta events (nearly every event of a stream) are written from a template, so only
 * the delta text is escaped (a plain token by one scan, see `jsonString`), and so are the `.done`
 * events of a text, its part and its item, which share one `JSON.stringify` of the whole text (a long
 * reply was serialised four times). Only for events nobody has modified: the templates write the
 * translator's fields in the translator's order and nothing else (an event of another shape takes
 * `JSON.stringify`). Each delta template spells out its own start (building it from shared pieces measured
 * about 20% slower per event); the fields that repeat from delta to delta are one remembered piece.
 */
export function encodeTranslatorEvent(event: ResponseStreamEvent): string {
  switch (event.type) {
    case "response.output_text.delta":
      if (event.logprobs.length > 0) break;
      return `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":${event.sequence_number}${deltaFields(event.item_id, event.output_index, event.content_index)}${jsonString(event.delta)},"logprobs":[]}\n\n`;
    case "response.function_call_arguments.delta":
      return `event: response.function_call_arguments.delta\ndata: {"type":"response.function_call_arguments.delta","sequence_number":${event.sequence_number}${deltaFields(event.item_id, event.output_index, null)}${jsonString(event.delta)}}\n\n`;
    case "response.custom_tool_call_input.delta":
      return `event: response.custom_tool_call_input.delta\ndata: {"type":"response.custom_tool_call_input.delta","sequence_number":${event.sequence_number}${deltaFields(event.item_id, event.output_index, null)}${jsonString(event.delta)}}\n\n`;
    case "response.reasoning_text.delta":
      return `event: response.reasoning_text.delta\ndata: {"type":"response.reasoning_text.delta","sequence_number":${event.sequence_number}${deltaFields(event.item_id, event.output_index, event.content_index)}${jsonString(event.delta)}}\n\n`;
    case "response.output_text.done":
      if (event.logprobs.length > 0 || Object.keys(event).length !== 7) break;
      return `event: response.output_text.done\ndata: {"type":"response.output_text.done","sequence_number":${event.sequence_number},"item_id":${itemIdJson(event.item_id)},"output_index":${event.output_index},"content_index":${event.content_index},"text":${textJson(event.text)},"logprobs":[]}\n\n`;
    case "response.reasoning_text.done":
      if (Object.keys(event).length !== 6) break;
      return `event: response.reasoning_text.done\ndata: {"type":"response.reasoning_text.done","sequence_number":${event.sequence_number},"item_id":${itemIdJson(event.item_id)},"output_index":${event.output_index},"content_index":${event.content_index},"text":${textJson(event.text)}}\n\n`;
    case "response.content_part.done": {
      const part = Object.keys(event).length === 6 ? partJson(event.part) : undefined;
      if (part === undefined) break;
      return `event: response.content_part.done\ndata: {"type":"response.content_part.done","sequence_number":${event.sequence_number},"item_id":${itemIdJson(event.item_id)},"output_index":${event.output_index},"content_index":${event.content_index},"part":${part}}\n\n`;
    }
    case "response.output_item.done": {
      const item = Object.keys(event).length === 4 ? textItemJson(event.item) : undefined;
      // The item's event is the last to carry its text: a long reply is not kept after it.
      textJson.forget();
      if (item === undefined) break;
      return `event: response.output_item.done\ndata: {"type":"response.output_item.done","sequence_number":${event.sequence_number},"output_index":${event.output_index},"item":${item}}\n\n`;
    }
    case "response.completed":
    case "response.incomplete":
    case "response.failed": {
      // The Response as the store just wrote it (a stored turn is saved before this event is sent).
      const response = Object.keys(event).length === 3 ? takeResponseJson(event.response) : undefined;
      if (response === undefined) break;
      return `event: ${event.type}\ndata: {"type":"${event.type}","sequence_number":${event.sequence_number},"response":${response}}\n\n`;
    }
  }
  return encodeSSEEvent(event);
}
