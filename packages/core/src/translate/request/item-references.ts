/**
 * `item_reference` inputs point to items the bridge stored earlier (the AI SDK sends earlier
 * assistant messages this way). The translator is synchronous, so the handler fetches the items
 * first: {@link collectItemReferenceIds} says which.
 */
import { defaultItemType } from "../../schema/responses-request.js";
import type { ResponseCreateParams, ResponseInputItem } from "../../types.js";

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
  for (const item of items) {
    if (typeof item !== "object" || item === null) continue;
    const { type, id } = item as { type?: unknown; id?: unknown };
    const isReference =
      typeof type === "string" ? type === "item_reference" : defaultItemType(item) === "item_reference";
    if (isReference && typeof id === "string" && id !== "") ids.add(id);
  }
}
