import { ResponsesBridgeError } from "../errors.js";
import type { ResponseInputItem, ResponseStore, StoredResponse, StoreScope } from "../types.js";
import { encodeStoredResponseInSlices, itemKeysInSlices, SLICED_RECORD_ITEMS } from "./encode-in-slices.js";
import { type LruLinks, LruMap } from "./lru-map.js";
import { createMemoryConversations } from "./memory-conversations.js";
import { createMemoryTurnLog, type MemoryTurnLogOptions } from "./memory-turn-log.js";
import { scopedKey } from "./scope.js";
import type { ConversationStore, TurnLog } from "./stateful-types.js";
import {
  decodeStoredResponse,
  encodeStoredResponse,
  findItem,
  itemIdsOf,
  MAX_CHAIN_LENGTH,
} from "./stored-records.js";

/** Options for {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Most records kept; the least recently used is evicted beyond it. Default 10,000. */
  maxEntries?: number;
  /**
   * Bound on the memory the store's data takes, in bytes: the least recently used records are evicted while
   * the sum of the records' sizes exceeds it. Records are kept as one compact JSON text each (parsed again
   * on every read), and a record's size counts what it keeps alive: its text as the JavaScript engine holds
   * it (one byte per character, two when it holds a character beyond U+00FF), its key, its item index entries
   * and a fixed overhead per record and per item, so the memory the store holds stays close to `maxBytes`
   * whatever the shape of the records. A single record larger than `maxBytes` is refused with an error (the
   * handler reports it through `onError` and still answers the client). Default 67,108,864 (64 MiB).
   */
  maxBytes?: number;
  /**
   * Bounds of the store's turn log (the events of running and recently ended streamed turns, for resume,
   * background responses and cancel; see {@link MemoryTurnLogOptions}). By default its `maxBytes` is half
   * the store's `maxBytes`, between 1 MiB and 16 MiB, so the two together stay within 1.5 times `maxBytes`.
   */
  turnLog?: MemoryTurnLogOptions;
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

interface Entry extends LruLinks<Entry> {
  /** The turn's id. */
  id: string;
  /** Its key in the store (scoped). */
  key: string;
  /**
   * The turn in compact form ({@link encodeStoredResponse}), parsed on each read: the text itself (the
   * string the Response's JSON was written into, no copy), or its UTF-8 bytes for a turn of many items,
   * encoded in slices (`encode-in-slices.ts`). Neither holds a reference the garbage collector must follow.
   */
  value: string | Uint8Array;
  expiresAt: number;
  /** What the entry is counted as (see {@link retainedBytes}). */
  bytes: number;
  /** Keys of `itemIndex` that this record put there, removed with it. */
  itemKeys: string[];
}

/** Memory taken by one entry besides its text: the entry object and its links, the text's header, its map slot, the item key array. */
const ENTRY_OVERHEAD = 256;
/** Heap taken by one item index slot besides its key's characters. */
const ITEM_OVERHEAD = 64;

const decoder = new TextDecoder();

/** A character a one-byte (Latin-1) string cannot hold: V8 keeps a string holding one at two bytes per character. */
const BEYOND_LATIN1 = /[\u0100-\uffff]/;

/** The bytes a record's value takes: its bytes, or its characters as V8 holds them. */
function valueBytes(value: string | Uint8Array): number {
  if (typeof value !== "string") return value.byteLength;
  return BEYOND_LATIN1.test(value) ? value.length * 2 : value.length;
}

/** What an entry is counted as: its value, its key, its item index slots, and fixed overheads. */
function retainedBytes(value: string | Uint8Array, key: string, itemKeys: readonly string[]): number {
  let bytes = ENTRY_OVERHEAD + valueBytes(value) + key.length * 2;
  for (const itemKey of itemKeys) bytes += ITEM_OVERHEAD + itemKey.length * 2;
  return bytes;
}

/**
 * A bounded in-process {@link ResponseStore}: least recently used records are evicted beyond
 * `maxEntries` or `maxBytes`, and records expire after `ttlMs`. Implements `getChain` and `getItems`
 * (an index from item ids to records, cleaned up whenever a record leaves, so memory stays bounded).
 * Every lookup is exact to its scope (tenant): keys encode the tenant unambiguously, so no id can reach
 * another scope's records or items. Each read returns fresh objects parsed from the stored string. State is per process: behind
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
  const entries = new LruMap<Entry>();
  /** Scoped item key -> scoped record key. */
  const itemIndex = new Map<string, string>();
  let totalBytes = 0;
  let nextSweepAt = expires ? now() + Math.min(ttlMs, 60_000) : Number.POSITIVE_INFINITY;

  function remove(entry: Entry) {
    entries.delete(entry.key);
    totalBytes -= entry.bytes;
    for (const itemKey of entry.itemKeys) {
      // Only when it still points here: a later record may have taken the item id over.
      if (itemIndex.get(itemKey) === entry.key) itemIndex.delete(itemKey);
    }
  }

  /** Drops every expired record; runs at most once per min(ttlMs, one minute), from `put`. */
  function sweep(at: number) {
    if (at < nextSweepAt) return;
    nextSweepAt = at + Math.min(ttlMs, 60_000);
    for (const entry of entries.values()) if (entry.expiresAt <= at) remove(entry);
  }

  function read(key: string): StoredResponse | undefined {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      remove(entry);
      return undefined;
    }
    entries.touch(entry);
    const { value } = entry;
    return decodeStoredResponse(entry.id, typeof value === "string" ? value : decoder.decode(value));
  }

  return {
    // Stateful parts (issue 21): separate, self-bounded stores.
    conversations: createMemoryConversations({ maxConversations: maxEntries, ttlMs, now }),
    turns: createMemoryTurnLog({
      now,
      maxBytes: Math.min(16 * 1024 * 1024, Math.max(1024 * 1024, Math.floor(maxBytes / 2))),
      ...options.turnLog,
    }),
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
      return read(scopedKey(id, scope));
    },
    async put(record, scope) {
      const key = scopedKey(record.id, scope);
      // Few items: encoded and indexed at once; many: in slices, before any state changes (issue 17).
      const few = record.input.length < SLICED_RECORD_ITEMS;
      const value = few ? encodeStoredResponse(record) : await encodeStoredResponseInSlices(record);
      const itemKeys = few
        ? itemIdsOf(record).map((itemId) => scopedKey(itemId, scope))
        : await itemKeysInSlices(record, scope);
      const bytes = retainedBytes(value, key, itemKeys);
      if (bytes > maxBytes) {
        throw new ResponsesBridgeError(
          `Response '${record.id}' was not stored: its ${bytes} bytes exceed the memory store's maxBytes (${maxBytes}).`,
          { status: 500, type: "server_error", code: "store_record_too_large" },
        );
      }
      const at = now();
      sweep(at);
      const previous = entries.get(key);
      if (previous) remove(previous);
      entries.set(key, {
        id: record.id,
        key,
        value,
        expiresAt: expires ? at + ttlMs : Number.POSITIVE_INFINITY,
        bytes,
        itemKeys,
        older: undefined,
        newer: undefined,
      });
      totalBytes += bytes;
      for (const itemKey of itemKeys) itemIndex.set(itemKey, key);
      for (let oldest = entries.oldest; oldest; oldest = entries.oldest) {
        if (entries.size <= maxEntries && totalBytes <= maxBytes) break;
        remove(oldest);
      }
    },
    async delete(id, scope) {
      const key = scopedKey(id, scope);
      const existed = read(key) !== undefined;
      const entry = entries.get(key);
      if (entry) remove(entry);
      return existed;
    },
    async getChain(id, scope) {
      const chain: StoredResponse[] = [];
      let next: string | null = id;
      while (next !== null) {
        const record = read(scopedKey(next, scope));
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
        const recordKey = itemIndex.get(scopedKey(id, scope));
        if (recordKey === undefined) continue;
        const record = read(recordKey);
        const item = record && findItem(record, id);
        if (item) found.set(id, item);
      }
      return found;
    },
  };
}
