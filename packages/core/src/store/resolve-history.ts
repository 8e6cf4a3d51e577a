import { invalidRequest, previousResponseNotFound, ResponsesBridgeError } from "../errors.js";
import type { ResponseInputItem, ResponseStore, StoredResponse, StoreScope } from "../types.js";

/** Most turns followed when rebuilding a chain, a guard against cycles in a corrupted store. */
const MAX_CHAIN_LENGTH = 100_000;

/**
 * The stored chain ending at `id`, oldest first. Uses the store's `getChain` when it has one,
 * otherwise follows `previousResponseId` links. Throws `previous_response_not_found` when `id` is unknown.
 */
export async function loadChain(
  store: ResponseStore,
  id: string,
  scope?: StoreScope,
): Promise<StoredResponse[]> {
  if (store.getChain) {
    const chain = await store.getChain(id, scope);
    if (!chain || chain.length === 0) throw previousResponseNotFound(id);
    return chain;
  }
  const chain: StoredResponse[] = [];
  let next: string | null = id;
  while (next !== null && chain.length < MAX_CHAIN_LENGTH) {
    const record: StoredResponse | undefined = await store.get(next, scope);
    // A missing link (expired or deleted) would silently drop history: refuse instead.
    if (!record) throw previousResponseNotFound(next);
    chain.push(record);
    next = record.previousResponseId;
  }
  return chain.reverse();
}

/**
 * The conversation items a chain stands for: each turn's input items followed by its output
 * items, oldest turn first. Instructions are not part of it: as on OpenAI, they are not inherited.
 */
export function chainToItems(chain: readonly StoredResponse[]): ResponseInputItem[] {
  const items: ResponseInputItem[] = [];
  for (const turn of chain) {
    for (const item of turn.input) items.push(item);
    for (const item of turn.response.output) items.push(item as ResponseInputItem);
  }
  return items;
}

/** True for an `item_reference` input item (`{ type: "item_reference", id }`, or a bare `{ id }`). */
function isItemReference(item: ResponseInputItem): item is ResponseInputItem.ItemReference {
  const value = item as { type?: unknown; id?: unknown; role?: unknown };
  if (value.type === "item_reference") return true;
  return (
    (value.type === undefined || value.type === null) &&
    value.role === undefined &&
    typeof value.id === "string"
  );
}

/**
 * Replaces each `item_reference` in `items` with the stored item it names, looked up in one
 * `getItems` call. Items that are not references are returned unchanged (same objects, same order).
 * Throws a 404 (`param: "input"`, as OpenAI words it) for an id the store does not know (never stored,
 * expired, deleted, or another tenant's), and a 400 when the store has no `getItems`.
 */
export async function resolveItemReferences(
  store: ResponseStore,
  items: readonly ResponseInputItem[],
  scope?: StoreScope,
): Promise<ResponseInputItem[]> {
  const references: string[] = [];
  for (const item of items) if (isItemReference(item)) references.push(item.id);
  if (references.length === 0) return [...items];
  if (!store.getItems) {
    const index = items.findIndex(isItemReference);
    throw invalidRequest(
      "Input items of type 'item_reference' are not supported by this server's response store.",
      `input.${index}`,
      "unsupported_parameter",
    );
  }
  const found = await store.getItems(references, scope);
  return items.map((item) => {
    if (!isItemReference(item)) return item;
    const stored = found.get(item.id);
    if (!stored) {
      throw new ResponsesBridgeError(`Item with id '${item.id}' not found.`, {
        status: 404,
        type: "invalid_request_error",
        param: "input",
        code: "item_not_found",
      });
    }
    return stored;
  });
}
