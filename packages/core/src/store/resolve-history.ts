import { invalidRequest, previousResponseNotFound } from "../errors.js";
import type { MaybePromise } from "../maybe-promise.js";
import {
  collectItemReferenceIds,
  isItemReference,
  resolveItemReference,
} from "../translate/request/item-references.js";
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

/**
 * Replaces each `item_reference` in `items` with the stored item it names, looked up in one
 * `getItems` call. Items that are not references are returned unchanged (same objects, same order).
 * An id the store does not know (never stored, expired, deleted, or another tenant's) gets the one
 * answer of `resolveItemReference`: a 400 `item_not_found` with `param: "input.N.id"`. A store without
 * `getItems` answers any reference with a 400. Without references the copy is returned as it is, not as a
 * promise (no store round trip to wait for).
 */
export function resolveItemReferences(
  store: ResponseStore,
  items: readonly ResponseInputItem[],
  scope?: StoreScope,
): MaybePromise<ResponseInputItem[]> {
  const references = collectItemReferenceIds({ input: items as ResponseInputItem[] });
  if (references.length === 0) return [...items];
  return lookUpItemReferences(store, items, references, scope);
}

async function lookUpItemReferences(
  store: ResponseStore,
  items: readonly ResponseInputItem[],
  references: string[],
  scope: StoreScope | undefined,
): Promise<ResponseInputItem[]> {
  if (!store.getItems) {
    const index = items.findIndex(isItemReference);
    throw invalidRequest(
      "Input items of type 'item_reference' are not supported by this server's response store.",
      `input.${index}`,
      "unsupported_parameter",
    );
  }
  const found = await store.getItems(references, scope);
  return items.map((item, index) => resolveItemReference(item, found, `input.${index}`));
}
