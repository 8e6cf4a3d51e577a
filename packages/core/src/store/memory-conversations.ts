import { type LruLinks, LruMap } from "./lru-map.js";
import { scopedKey } from "./scope.js";
import type { ConversationItem, ConversationStore, StoredConversation } from "./stateful-types.js";

/** Options for {@link createMemoryConversations}. */
export interface MemoryConversationsOptions {
  /** Most conversations kept; the least recently used is evicted beyond it. Default 10,000. */
  maxConversations?: number;
  /** Time to live of a conversation in milliseconds, renewed by every write. Default one day; `0` or `Infinity` keeps them until evicted. */
  ttlMs?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

interface Entry extends LruLinks<Entry> {
  /** Its key in the store (scoped). */
  key: string;
  conversation: StoredConversation;
  items: ConversationItem[];
  expiresAt: number;
}

/**
 * An in-process {@link ConversationStore}: bounded by `maxConversations` (least recently used evicted)
 * and expiring after `ttlMs` without writes. The memory store includes one; use it to give your own
 * store conversations in a single process.
 */
export function createMemoryConversations(options: MemoryConversationsOptions = {}): ConversationStore {
  const maxConversations = options.maxConversations ?? 10_000;
  const ttlMs = options.ttlMs ?? 86_400_000;
  const now = options.now ?? Date.now;
  if (!(maxConversations >= 1)) {
    throw new TypeError("createMemoryConversations: maxConversations must be at least 1");
  }
  const expires = ttlMs > 0 && Number.isFinite(ttlMs);
  const entries = new LruMap<Entry>();
  const expiry = () => (expires ? now() + ttlMs : Number.POSITIVE_INFINITY);

  function read(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    entries.touch(entry);
    return entry;
  }

  return {
    async create(conversation, items, scope) {
      const key = scopedKey(conversation.id, scope);
      entries.set(key, {
        key,
        conversation: { ...conversation, metadata: { ...conversation.metadata } },
        items: [...items],
        expiresAt: expiry(),
        older: undefined,
        newer: undefined,
      });
      while (entries.size > maxConversations) entries.delete(entries.oldest!.key);
    },
    async get(id, scope) {
      const entry = read(scopedKey(id, scope));
      return entry && { ...entry.conversation, metadata: { ...entry.conversation.metadata } };
    },
    async update(conversation, scope) {
      const entry = read(scopedKey(conversation.id, scope));
      if (!entry) return false;
      entry.conversation = { ...entry.conversation, metadata: { ...conversation.metadata } };
      entry.expiresAt = expiry();
      return true;
    },
    async delete(id, scope) {
      const key = scopedKey(id, scope);
      const existed = read(key) !== undefined;
      entries.delete(key);
      return existed;
    },
    async listItems(id, scope) {
      const entry = read(scopedKey(id, scope));
      return entry && [...entry.items];
    },
    async addItems(id, items, scope) {
      const entry = read(scopedKey(id, scope));
      if (!entry) return false;
      entry.items.push(...items);
      entry.expiresAt = expiry();
      return true;
    },
    async deleteItem(id, itemId, scope) {
      const entry = read(scopedKey(id, scope));
      if (!entry) return false;
      const index = entry.items.findIndex((item) => item.id === itemId);
      if (index < 0) return false;
      entry.items.splice(index, 1);
      return true;
    },
  };
}
