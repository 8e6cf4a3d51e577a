/**
 * What every {@link ResponseStore} does the same way, shared by the memory store and
 * `@responses-bridge/redis`: the compact string form a turn is kept in, the ids of the items a turn
 * holds, finding one of them, and the guard on chain length.
 */
import { writeResponseJson } from "../json/response-json.js";
import type { ResponseInputItem, StoredResponse } from "../types.js";

/** Most turns a store's `getChain` follows, a guard against cycles in corrupted data. */
export const MAX_CHAIN_LENGTH = 100_000;

/**
 * A turn as three lines of compact JSON: the predecessor's id (or `null`), the turn's input items, and
 * the Response object (its id is the store key). JSON never holds a raw newline, so the first line can
 * be read alone (the Redis chain script follows links that way without decoding the rest).
 */
export function encodeStoredResponse(record: StoredResponse): string {
  // The Response's text is kept for the stream's terminal event, which carries the same object.
  return `${JSON.stringify(record.previousResponseId)}\n${JSON.stringify(record.input)}\n${writeResponseJson(record.response)}`;
}

/** The turn {@link encodeStoredResponse} encoded under `id`, or undefined when `value` is not such a string. */
export function decodeStoredResponse(id: string, value: string): StoredResponse | undefined {
  const first = value.indexOf("\n");
  const second = first < 0 ? -1 : value.indexOf("\n", first + 1);
  if (second < 0) return undefined;
  try {
    const previousResponseId = JSON.parse(value.slice(0, first)) as string | null;
    const input = JSON.parse(value.slice(first + 1, second)) as ResponseInputItem[];
    const response = JSON.parse(value.slice(second + 1)) as StoredResponse["response"];
    if (!Array.isArray(input) || typeof response !== "object" || response === null) return undefined;
    return { id, previousResponseId, input, response };
  } catch {
    return undefined;
  }
}

/** Ids a store's `getItems` can find in a turn, each once: input items that carry an `id`, and every output item. */
export function itemIdsOf(record: StoredResponse): string[] {
  const ids = new Set<string>();
  for (const item of record.input) {
    const id = (item as { id?: unknown }).id;
    if (typeof id === "string" && id !== "") ids.add(id);
  }
  for (const item of record.response.output) {
    const id = (item as { id?: unknown }).id;
    if (typeof id === "string" && id !== "") ids.add(id);
  }
  return [...ids];
}

/** The item with `id` in a turn (latest occurrence: outputs before inputs), or undefined. */
export function findItem(record: StoredResponse, id: string): ResponseInputItem | undefined {
  for (const item of record.response.output) {
    if ((item as { id?: unknown }).id === id) return item as ResponseInputItem;
  }
  for (const item of record.input) {
    if ((item as { id?: unknown }).id === id) return item;
  }
  return undefined;
}
