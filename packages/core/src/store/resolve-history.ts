import { previousResponseNotFound } from "../errors.js";
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
