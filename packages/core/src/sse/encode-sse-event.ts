import type { ResponseStreamEvent } from "openai/resources/responses/responses";

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

/** The JSON of the last item id seen: a stream's deltas name the same item over and over. */
let lastItemId = "";
let lastItemIdJson = '""';

function itemIdJson(id: string): string {
  if (id !== lastItemId) {
    lastItemId = id;
    lastItemIdJson = JSON.stringify(id);
  }
  return lastItemIdJson;
}

/**
 * {@link encodeSSEEvent} for events exactly as the stream translator builds them, byte for byte the
 * same output: the delta events (nearly every event of a stream) are written from a template, so only
 * the delta text goes through `JSON.stringify`. Only for events nobody has modified: the template
 * writes the translator's fields in the translator's order and nothing else. Each template is spelled out
 * in full: building them from shared pieces measured about 20% slower per event.
 */
export function encodeTranslatorEvent(event: ResponseStreamEvent): string {
  switch (event.type) {
    case "response.output_text.delta":
      if (event.logprobs.length > 0) break;
      return `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":${event.sequence_number},"item_id":${itemIdJson(event.item_id)},"output_index":${event.output_index},"content_index":${event.content_index},"delta":${JSON.stringify(event.delta)},"logprobs":[]}\n\n`;
    case "response.function_call_arguments.delta":
      return `event: response.function_call_arguments.delta\ndata: {"type":"response.function_call_arguments.delta","sequence_number":${event.sequence_number},"item_id":${itemIdJson(event.item_id)},"output_index":${event.output_index},"delta":${JSON.stringify(event.delta)}}\n\n`;
    case "response.custom_tool_call_input.delta":
      return `event: response.custom_tool_call_input.delta\ndata: {"type":"response.custom_tool_call_input.delta","sequence_number":${event.sequence_number},"item_id":${itemIdJson(event.item_id)},"output_index":${event.output_index},"delta":${JSON.stringify(event.delta)}}\n\n`;
    case "response.reasoning_text.delta":
      return `event: response.reasoning_text.delta\ndata: {"type":"response.reasoning_text.delta","sequence_number":${event.sequence_number},"item_id":${itemIdJson(event.item_id)},"output_index":${event.output_index},"content_index":${event.content_index},"delta":${JSON.stringify(event.delta)}}\n\n`;
  }
  return encodeSSEEvent(event);
}
