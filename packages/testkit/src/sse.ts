/** One Server-Sent Events message: its `event:` name, if any, and its `data:` lines joined by `\n`. */
export interface SSEMessage {
  /** The `event:` field, when present. */
  event?: string;
  /** The `data:` lines, joined with `\n`. */
  data: string;
}

/** A parsed SSE message whose data was decoded as JSON. */
export interface SSEEvent {
  /** The `event:` field, when present. */
  event?: string;
  /** The decoded JSON data (or the raw string when it is not valid JSON). */
  data: unknown;
}

/**
 * Split a whole SSE body into messages. Handles `\n`, `\r\n` and `\r` line endings, ignores comments
 * (`: …`) and other fields, and drops blocks without `data:` lines. Not a streaming parser: pass the
 * complete text.
 */
export function parseSSE(text: string): SSEMessage[] {
  const messages: SSEMessage[] = [];
  const blocks = text.replace(/\r\n?/g, "\n").split(/\n\n+/);
  for (const block of blocks) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    if (data.length === 0) continue;
    messages.push(event === undefined ? { data: data.join("\n") } : { event, data: data.join("\n") });
  }
  return messages;
}

/**
 * Read a whole SSE response body and parse it: each message's data is decoded as JSON (kept as a
 * string when it is not JSON), and `[DONE]` messages are skipped.
 */
export async function readSSEEvents(response: Response): Promise<SSEEvent[]> {
  const text = await response.text();
  const events: SSEEvent[] = [];
  for (const message of parseSSE(text)) {
    if (message.data === "[DONE]") continue;
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      data = message.data;
    }
    events.push(message.event === undefined ? { data } : { event: message.event, data });
  }
  return events;
}
