import type { ResponseStore, StoredResponse, StoreScope } from "../types.js";

/** Options for {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Most records kept; the least recently used is evicted beyond it. Default 10,000. */
  maxEntries?: number;
  /** Time to live of a record in milliseconds. Default 86,400,000 (one day). `0` or `Infinity` keeps records until evicted. */
  ttlMs?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

interface Entry {
  record: StoredResponse;
  expiresAt: number;
}

function keyOf(id: string, scope: StoreScope | undefined): string {
  return scope?.tenant ? `${scope.tenant}\u0000${id}` : id;
}

/**
 * A bounded in-process {@link ResponseStore}: least recently used records are evicted beyond
 * `maxEntries`, and records expire after `ttlMs`. Records are kept by reference: treat what `get`
 * returns as read-only. State is per process: behind a load balancer use a shared store.
 */
export function createMemoryStore(
  options: MemoryStoreOptions = {},
): ResponseStore & { readonly size: number } {
  const maxEntries = options.maxEntries ?? 10_000;
  const ttlMs = options.ttlMs ?? 86_400_000;
  const now = options.now ?? Date.now;
  if (!(maxEntries >= 1)) throw new TypeError("createMemoryStore: maxEntries must be at least 1");
  const entries = new Map<string, Entry>();

  function read(key: string): StoredResponse | undefined {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    // Refresh recency: Map iteration order is insertion order.
    entries.delete(key);
    entries.set(key, entry);
    return entry.record;
  }

  return {
    get size() {
      return entries.size;
    },
    async get(id, scope) {
      return read(keyOf(id, scope));
    },
    async put(record, scope) {
      const key = keyOf(record.id, scope);
      entries.delete(key);
      const expiresAt = ttlMs > 0 && Number.isFinite(ttlMs) ? now() + ttlMs : Number.POSITIVE_INFINITY;
      entries.set(key, { record, expiresAt });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
    },
    async delete(id, scope) {
      const key = keyOf(id, scope);
      const existed = read(key) !== undefined;
      entries.delete(key);
      return existed;
    },
  };
}
