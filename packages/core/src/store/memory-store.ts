import { ResponsesBridgeError } from "../errors.js";
import type { ResponseInputItem, ResponseStore, StoredResponse, StoreScope } from "../types.js";
import { createMemoryConversations } from "./memory-conversations.js";
import { createMemoryTurnLog } from "./memory-turn-log.js";
import type { ConversationStore, TurnLog } from "./stateful-types.js";

/** Options for {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Most records kept; the least recently used is evicted beyond it. Default 10,000. */
  maxEntries?: number;
  /**
   * Approximate bound on the data kept, in bytes: the least recently used records are evicted while the
   * sum of the records' sizes exceeds it. A record's size is the length of its `JSON.stringify` form,
   * measured once when it is stored (UTF-16 code units, so one per ASCII character). It bounds the data,
   * not the heap: the parsed objects a record is kept as typically take 2 to 4 times their JSON length.
   * A single record larger than `maxBytes` is refused with an error (the handler reports it through
   * `onError` and still answers the client). Default 67,108,864 (64 MiB).
   */
  maxBytes?: number;
  /** Time to live of a record in milliseconds. Default 86,400,000 (one day). `0` or `Infinity` keeps records until evicted. */
  ttlMs?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** The store {@link createMemoryStore} returns: a {@link ResponseStore} with every optional method, plus gauges. */
export interface MemoryStore extends ResponseStore {
  /** The chain ending at `id`, oldest first; undefined when `id` or any link is missing (expired, evicted, deleted). */
  getChain(id: string, scope?: StoreScope): Promise<StoredResponse[] | undefined>;
  /** Items by id (input items that carried an `id`, and output items) of the records still held. */
  getItems(ids: readonly string[], scope?: StoreScope): Promise<Map<string, ResponseInputItem>>;
  /** Conversations (at most `maxEntries`, expiring `ttlMs` after their last write). */
  readonly conversations: ConversationStore;
  /** Events of running and recently ended turns, for background responses, resume and cancel. */
  readonly turns: TurnLog;
  /** Records currently held (expired records not yet swept included). */
  readonly size: number;
  /** Sum of the held records' approximate sizes, in bytes (see {@link MemoryStoreOptions.maxBytes}). */
  readonly bytes: number;
  /** Entries in the item index (item id -> record); bounded by the records held. */
  readonly indexedItems: number;
}

interface Entry {
  record: StoredResponse;
  expiresAt: number;
  bytes: number;
  /** Keys of `itemIndex` that this record put there, removed with it. */
  itemKeys: string[];
}

/** Most turns followed by `getChain`, a guard against cycles in corrupted data. */
const MAX_CHAIN_LENGTH = 100_000;

function keyOf(id: string, scope: StoreScope | undefined): string {
  return scope?.tenant ? `${scope.tenant}\u0000${id}` : id;
}

/** Ids of the items `getItems` can find in a record: input items that carry an `id`, and every output item. */
function itemIdsOf(record: StoredResponse): string[] {
  const ids: string[] = [];
  for (const item of record.input) {
    const id = (item as { id?: unknown }).id;
    if (typeof id === "string" && id !== "") ids.push(id);
  }
  for (const item of record.response.output) {
    const id = (item as { id?: unknown }).id;
    if (typeof id === "string" && id !== "") ids.push(id);
  }
  return ids;
}

/** The item with `id` in a record (latest occurrence: outputs before inputs), or undefined. */
function findItem(record: StoredResponse, id: string): ResponseInputItem | undefined {
  for (const item of record.response.output) {
    if ((item as { id?: unknown }).id === id) return item as ResponseInputItem;
  }
  for (const item of record.input) {
    if ((item as { id?: unknown }).id === id) return item;
  }
  return undefined;
}

/**
 * A bounded in-process {@link ResponseStore}: least recently used records are evicted beyond
 * `maxEntries` or `maxBytes`, and records expire after `ttlMs`. Implements `getChain` and `getItems`
 * (an index from item ids to records, cleaned up whenever a record leaves, so memory stays bounded).
 * Records are kept by reference: treat what it returns as read-only. State is per process: behind
 * a load balancer use a shared store such as `@responses-bridge/redis`.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxEntries = options.maxEntries ?? 10_000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const ttlMs = options.ttlMs ?? 86_400_000;
  const now = options.now ?? Date.now;
  if (!(maxEntries >= 1)) throw new TypeError("createMemoryStore: maxEntries must be at least 1");
  if (!(maxBytes >= 1)) throw new TypeError("createMemoryStore: maxBytes must be at least 1");
  if (!(ttlMs >= 0)) throw new TypeError("createMemoryStore: ttlMs must be 0 or more");
  const expires = ttlMs > 0 && Number.isFinite(ttlMs);
  // Map iteration order is insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, Entry>();
  /** Scoped item key -> scoped record key. */
  const itemIndex = new Map<string, string>();
  let totalBytes = 0;
  let nextSweepAt = expires ? now() + Math.min(ttlMs, 60_000) : Number.POSITIVE_INFINITY;

  function remove(key: string, entry: Entry) {
    entries.delete(key);
    totalBytes -= entry.bytes;
    for (const itemKey of entry.itemKeys) {
      // Only when it still points here: a later record may have taken the item id over.
      if (itemIndex.get(itemKey) === key) itemIndex.delete(itemKey);
    }
  }

  /** Drops every expired record; runs at most once per min(ttlMs, one minute), from `put`. */
  function sweep(at: number) {
    if (at < nextSweepAt) return;
    nextSweepAt = at + Math.min(ttlMs, 60_000);
    for (const [key, entry] of entries) if (entry.expiresAt <= at) remove(key, entry);
  }

  function read(key: string): StoredResponse | undefined {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      remove(key, entry);
      return undefined;
    }
    entries.delete(key);
    entries.set(key, entry);
    return entry.record;
  }

  return {
    // Stateful parts (issue 21): separate, self-bounded stores.
    conversations: createMemoryConversations({ maxConversations: maxEntries, ttlMs, now }),
    turns: createMemoryTurnLog({ now }),
    get size() {
      return entries.size;
    },
    get bytes() {
      return totalBytes;
    },
    get indexedItems() {
      return itemIndex.size;
    },
    async get(id, scope) {
      return read(keyOf(id, scope));
    },
    async put(record, scope) {
      const bytes = JSON.stringify(record).length;
      if (bytes > maxBytes) {
        throw new ResponsesBridgeError(
          `Response '${record.id}' was not stored: its ${bytes} bytes exceed the memory store's maxBytes (${maxBytes}).`,
          { status: 500, type: "server_error", code: "store_record_too_large" },
        );
      }
      const at = now();
      sweep(at);
      const key = keyOf(record.id, scope);
      const previous = entries.get(key);
      if (previous) remove(key, previous);
      const itemKeys = itemIdsOf(record).map((itemId) => keyOf(itemId, scope));
      entries.set(key, {
        record,
        expiresAt: expires ? at + ttlMs : Number.POSITIVE_INFINITY,
        bytes,
        itemKeys,
      });
      totalBytes += bytes;
      for (const itemKey of itemKeys) itemIndex.set(itemKey, key);
      for (const [oldestKey, oldest] of entries) {
        if (entries.size <= maxEntries && totalBytes <= maxBytes) break;
        remove(oldestKey, oldest);
      }
    },
    async delete(id, scope) {
      const key = keyOf(id, scope);
      const existed = read(key) !== undefined;
      const entry = entries.get(key);
      if (entry) remove(key, entry);
      return existed;
    },
    async getChain(id, scope) {
      const chain: StoredResponse[] = [];
      let next: string | null = id;
      while (next !== null) {
        const record = read(keyOf(next, scope));
        // A missing link (expired, evicted or deleted) would silently drop history: no chain at all.
        if (!record || chain.length >= MAX_CHAIN_LENGTH) return undefined;
        chain.push(record);
        next = record.previousResponseId;
      }
      return chain.reverse();
    },
    async getItems(ids, scope) {
      const found = new Map<string, ResponseInputItem>();
      for (const id of ids) {
        if (found.has(id)) continue;
        const recordKey = itemIndex.get(keyOf(id, scope));
        if (recordKey === undefined) continue;
        const record = read(recordKey);
        const item = record && findItem(record, id);
        if (item) found.set(id, item);
      }
      return found;
    },
  };
}
