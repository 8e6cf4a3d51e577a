/**
 * The links an {@link LruMap} threads through its entries (least recently used first). The entries carry
 * them themselves, so keeping the order costs no object per entry.
 */
export interface LruLinks<T> {
  /** The entry used just before this one; undefined for the least recently used. Set by the map. */
  older: T | undefined;
  /** The entry used just after this one; undefined for the most recently used. Set by the map. */
  newer: T | undefined;
}

/**
 * Entries by key, in least-recently-used order, for the in-process stores' bounds.
 *
 * Why not a `Map`'s insertion order (delete and set again to mark a use, evict the first key): V8 leaves a
 * hole in the table for every deleted key until the table is rebuilt, and iteration starts by stepping over
 * all of them. A store at its bound evicts on every write, so finding the oldest key walked thousands of
 * holes each time: 7 µs per write at 10,000 records on Node 20, 2% of a small request's CPU. Here the
 * oldest entry is a field, and marking a use relinks two neighbours.
 */
export class LruMap<T extends LruLinks<T>> {
  readonly #byKey = new Map<string, T>();
  #oldest: T | undefined;
  #newest: T | undefined;

  /** Entries held. */
  get size(): number {
    return this.#byKey.size;
  }

  /** The least recently used entry. */
  get oldest(): T | undefined {
    return this.#oldest;
  }

  /** The entry under `key`, without marking it used. */
  get(key: string): T | undefined {
    return this.#byKey.get(key);
  }

  /** Adds `entry` under `key` as the most recently used, replacing the entry held under `key`. */
  set(key: string, entry: T): void {
    const previous = this.#byKey.get(key);
    if (previous) this.#unlink(previous);
    this.#byKey.set(key, entry);
    this.#append(entry);
  }

  /** Marks `entry` (held by this map) as the most recently used. */
  touch(entry: T): void {
    if (entry === this.#newest) return;
    this.#unlink(entry);
    this.#append(entry);
  }

  /** Removes the entry under `key`; returns it, or undefined when there was none. */
  delete(key: string): T | undefined {
    const entry = this.#byKey.get(key);
    if (!entry) return undefined;
    this.#byKey.delete(key);
    this.#unlink(entry);
    return entry;
  }

  /** The entries, least recently used first; deleting the entry just yielded is safe. */
  *values(): IterableIterator<T> {
    let entry = this.#oldest;
    while (entry) {
      const newer = entry.newer;
      yield entry;
      entry = newer;
    }
  }

  #append(entry: T): void {
    entry.older = this.#newest;
    entry.newer = undefined;
    if (this.#newest) this.#newest.newer = entry;
    else this.#oldest = entry;
    this.#newest = entry;
  }

  #unlink(entry: T): void {
    const { older, newer } = entry;
    if (older) older.newer = newer;
    else if (this.#oldest === entry) this.#oldest = newer;
    if (newer) newer.older = older;
    else if (this.#newest === entry) this.#newest = older;
    entry.older = undefined;
    entry.newer = undefined;
  }
}
