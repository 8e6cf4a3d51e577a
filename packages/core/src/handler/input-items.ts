import { invalidRequest } from "../errors.js";
import { forEachInSlices } from "../json/time-slice.js";
import { objectWith } from "../object-with.js";
import { SLICED_INPUT_ITEMS } from "../schema/validate-in-slices.js";
import type { IdPrefix, ResponseInputItem } from "../types.js";

type Item = ResponseInputItem & { id?: string; type?: string };

const PREFIX_BY_TYPE: Record<string, IdPrefix> = { message: "msg", function_call: "fc" };

/**
 * The input items of a turn as OpenAI lists and stores them: every item has an `id` (generated
 * when the client sent none) and message text given as a string becomes an `input_text` /
 * `output_text` part, with `status: "completed"`. Items that already had an id keep it.
 */
export function identifyInputItems(
  items: readonly ResponseInputItem[],
  generateId: (prefix: IdPrefix) => string,
): ResponseInputItem[] {
  return items.map((item) => identifyInputItem(item, generateId));
}

/** Items identified between two clock reads by {@link identifyInputItemsInSlices}. */
const ITEMS_PER_STEP = 16;

/**
 * {@link identifyInputItems}, for thousands of items (at least `SLICED_INPUT_ITEMS`) a few at a time,
 * giving the event loop back whenever a slice is due.
 */
export async function identifyInputItemsInSlices(
  items: readonly ResponseInputItem[],
  generateId: (prefix: IdPrefix) => string,
): Promise<ResponseInputItem[]> {
  if (items.length < SLICED_INPUT_ITEMS) return identifyInputItems(items, generateId);
  const identified = new Array<ResponseInputItem>(items.length);
  await forEachInSlices(items.length, ITEMS_PER_STEP, (from, to) => {
    for (let index = from; index < to; index++)
      identified[index] = identifyInputItem(items[index]!, generateId);
  });
  return identified;
}

function identifyInputItem(
  original: ResponseInputItem,
  generateId: (prefix: IdPrefix) => string,
): ResponseInputItem {
  const item = original as Item;
  const type = item.type ?? ("role" in item ? "message" : undefined);
  if (type === "message" && "role" in item) {
    const content = (item as { content: unknown }).content;
    const partType = item.role === "assistant" ? "output_text" : "input_text";
    const parts =
      typeof content === "string"
        ? [
            partType === "output_text"
              ? { type: partType, text: content, annotations: [] }
              : { type: partType, text: content },
          ]
        : content;
    return objectWith(item, {
      type: "message",
      id: item.id ?? generateId("msg"),
      status: (item as { status?: string }).status ?? "completed",
      content: parts,
    }) as ResponseInputItem;
  }
  if (item.id) return original;
  return objectWith(item, { id: generateId(PREFIX_BY_TYPE[type ?? ""] ?? "msg") }) as ResponseInputItem;
}

/** One page of `GET /v1/responses/{id}/input_items`, shaped like OpenAI's list objects. */
export interface InputItemsPage {
  object: "list";
  data: ResponseInputItem[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/**
 * OpenAI's list parameters: `order` `desc` (default, newest first) or `asc`, and `limit` 1–100 (default 20).
 * Returns `items` in that order (a copy) and the limit; a bad value is a 400 naming the parameter.
 */
export function orderAndLimit<T>(
  items: readonly T[],
  query: URLSearchParams | undefined,
): { ordered: T[]; limit: number } {
  const order = query?.get("order") ?? "desc";
  if (order !== "asc" && order !== "desc") {
    throw invalidRequest(
      `Invalid value for 'order': '${order}'. Supported values are: 'asc' and 'desc'.`,
      "order",
    );
  }
  const limitText = query?.get("limit");
  const limit = limitText === null || limitText === undefined ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw invalidRequest(
      `Invalid 'limit': expected an integer between 1 and 100, but got ${limitText}.`,
      "limit",
    );
  }
  const ordered = order === "asc" ? [...items] : [...items].reverse();
  return { ordered, limit };
}

/**
 * Paginates input items as OpenAI does: `order` `desc` (default, newest first) or `asc`, `limit`
 * 1–100 (default 20), `after` / `before` item-id cursors in that order.
 */
export function paginateInputItems(
  items: readonly ResponseInputItem[],
  query: URLSearchParams | undefined,
): InputItemsPage {
  const { ordered, limit } = orderAndLimit(items, query);
  const idOf = (item: ResponseInputItem) => (item as Item).id ?? null;
  let start = 0;
  let end = ordered.length;
  const after = query?.get("after");
  const before = query?.get("before");
  if (after) {
    const index = ordered.findIndex((item) => idOf(item) === after);
    if (index < 0) throw invalidRequest(`No input item with id '${after}' in this response.`, "after");
    start = index + 1;
  }
  if (before) {
    const index = ordered.findIndex((item) => idOf(item) === before);
    if (index < 0) throw invalidRequest(`No input item with id '${before}' in this response.`, "before");
    end = index;
  }
  const window = ordered.slice(start, Math.max(start, end));
  const data = before && !after ? window.slice(-limit) : window.slice(0, limit);
  return {
    object: "list",
    data,
    first_id: data.length > 0 ? idOf(data[0]!) : null,
    last_id: data.length > 0 ? idOf(data.at(-1)!) : null,
    has_more: window.length > data.length,
  };
}
