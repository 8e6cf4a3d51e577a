/** What the buffer needs of an entry. */
export interface BufferedTurn {
  /** Unique id. */
  readonly id: string;
  /** Bytes charged to this entry so far. */
  bytes: number;
  /** Set once the entry left the buffer: its capture stops. */
  evicted: boolean;
}

/** Options of {@link createTurnBuffer}. */
export interface TurnBufferOptions {
  /** Most entries kept; the oldest is dropped beyond it. */
  maxTurns: number;
  /** Most bytes kept over all entries; the oldest entries are dropped to stay within it. */
  maxBytes: number;
  /** Called with each turn the buffer drops. */
  onEvict?: (turn: BufferedTurn) => void;
}

/** A ring of recent turns bounded by count and by bytes (see {@link createTurnBuffer}). */
export interface TurnBuffer<T extends BufferedTurn> {
  /** Adds a turn as the newest, dropping the oldest beyond `maxTurns`. */
  add(turn: T): void;
  /**
   * Charges `bytes` to `turn`, dropping the oldest other turns while the total would exceed `maxBytes`.
   * Returns false (nothing charged) when the turn left the buffer or cannot fit even alone: the caller
   * then leaves that payload out.
   */
  charge(turn: T, bytes: number): boolean;
  /** The turn with this id, if still kept. */
  get(id: string): T | undefined;
  /** Every kept turn, newest first. */
  list(): T[];
  /** Bytes charged over all kept turns. */
  bytes(): number;
  /** Number of kept turns. */
  size(): number;
}

/**
 * A bounded buffer of turns: insertion order is age, and the oldest turn goes first whenever the count
 * or the byte total would exceed its bound (a turn still being answered included: it stops recording).
 */
export function createTurnBuffer<T extends BufferedTurn>(options: TurnBufferOptions): TurnBuffer<T> {
  const turns = new Map<string, T>();
  let used = 0;

  function evict(turn: T): void {
    turns.delete(turn.id);
    used -= turn.bytes;
    turn.bytes = 0;
    turn.evicted = true;
    options.onEvict?.(turn);
  }
  function oldestOtherThan(turn: T | undefined): T | undefined {
    for (const candidate of turns.values()) if (candidate !== turn) return candidate;
    return undefined;
  }

  return {
    add(turn) {
      turns.set(turn.id, turn);
      while (turns.size > options.maxTurns) {
        const oldest = oldestOtherThan(turn);
        if (!oldest) break;
        evict(oldest);
      }
      while (used + turn.bytes > options.maxBytes) {
        const oldest = oldestOtherThan(turn);
        if (!oldest) break;
        evict(oldest);
      }
      used += turn.bytes;
    },
    charge(turn, bytes) {
      if (turn.evicted || !turns.has(turn.id)) return false;
      if (turn.bytes + bytes > options.maxBytes) return false;
      while (used + bytes > options.maxBytes) {
        const oldest = oldestOtherThan(turn);
        if (!oldest) return false;
        evict(oldest);
      }
      used += bytes;
      turn.bytes += bytes;
      return true;
    },
    get: (id) => turns.get(id),
    list: () => [...turns.values()].reverse(),
    bytes: () => used,
    size: () => turns.size,
  };
}
