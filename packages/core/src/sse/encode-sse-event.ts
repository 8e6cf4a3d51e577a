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
