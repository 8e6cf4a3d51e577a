/**
 * `item_reference` inputs point to items the bridge stored earlier (the AI SDK sends earlier
 * assistant messages this way). This file is the one home of the concept: what counts as a reference
 * ({@link isItemReference}), which ids a request needs ({@link collectItemReferenceIds}), and what a
 * reference resolves to, with the one answer for an unknown id ({@link resolveItemReference}: a 400
 * `item_not_found` with `param`). The translator is synchronous, so the items are fetched first (the
 * handler asks the store's `getItems` for the collected ids) and passed in as a map.
 */
import { invalidRequest } from "../../errors.js";
import { defaultItemType } from "../../schema/responses-request.js";
import type { ResponseCreateParams, ResponseInputItem } from "../../types.js";

/** Most references followed from one item (a reference may name an item that is itself a reference). */
const MAX_REFERENCE_HOPS = 8;

/** True for an `item_reference` input item: `{ type: "item_reference", id }`, or OpenAI's short form `{ id }`. */
export function isItemReference(item: unknown): item is ResponseInputItem.ItemReference {
  if (typeof item !== "object" || item === null) return false;
  const { type, id } = item as { type?: unknown; id?: unknown };
  const isReference =
    typeof type === "string" ? type === "item_reference" : defaultItemType(item) === "item_reference";
  return isReference && typeof id === "string" && id !== "";
}

/**
 * The ids of every `item_reference` in the request's input (and in `history`, whose stored input
 * may hold references too), each once, in order of appearance. Fetch them (for example with
 * `ResponseStore.getItems`) and pass the result as `referencedItems` to `convertRequestToChat`.
 * A fetched item that is itself a reference is resolved from the same map.
 *
 * @param request - The request, or anything with its `input`.
 * @param history - Items of the earlier turns (`previous_response_id`), if any.
 */
export function collectItemReferenceIds(
  request: Pick<ResponseCreateParams, "input">,
  history?: readonly ResponseInputItem[],
): string[] {
  const ids = new Set<string>();
  if (history !== undefined) collect(history, ids);
  if (Array.isArray(request.input)) collect(request.input, ids);
  return [...ids];
}

function collect(items: readonly ResponseInputItem[], ids: Set<string>): void {
  for (const item of items) if (isItemReference(item)) ids.add(item.id);
}

/**
 * The item `item` stands for: itself when it is not a reference, else the item its id names in
 * `found` (followed when that is a reference too). An id not in `found` (never stored, expired,
 * deleted, another tenant's) is a 400 `invalid_request_error`, code `item_not_found`, `param`
 * `<param>.id`, whoever resolves it.
 *
 * @param param - The item's JSON path, e.g. `input.2`.
 */
export function resolveItemReference(
  item: ResponseInputItem,
  found: ReadonlyMap<string, ResponseInputItem> | undefined,
  param: string,
): ResponseInputItem {
  let target = item;
  for (let hops = 0; isReference(target); hops++) {
    const id = (target as { id?: unknown }).id;
    if (hops === MAX_REFERENCE_HOPS) {
      throw invalidRequest(
        `Item reference '${String(id)}' leads through more than ${MAX_REFERENCE_HOPS} references.`,
        `${param}.id`,
        "invalid_value",
      );
    }
    const resolved = typeof id === "string" ? found?.get(id) : undefined;
    if (resolved === undefined) {
      throw invalidRequest(`Item with id '${String(id)}' not found.`, `${param}.id`, "item_not_found");
    }
    target = resolved;
  }
  return target;
}

/** A reference by its type, with or without a usable id (an id-less one is answered as not found). */
function isReference(item: ResponseInputItem): boolean {
  const type = (item as { type?: unknown }).type;
  return typeof type === "string" ? type === "item_reference" : defaultItemType(item) === "item_reference";
}
