import type { StoreScope } from "../types.js";
import { countSSEFrames, framesAfter } from "./sse-frames.js";
import type { TurnLog, TurnStopReason, TurnWriter } from "./stateful-types.js";

/** Options for {@link createMemoryTurnLog}. */
export interface MemoryTurnLogOptions {
  /** How long an ended turn's events stay readable, in milliseconds. Default 600,000 (ten minutes). */
  retentionMs?: number;
  /** Most logs kept; beyond it the oldest ended logs are dropped. Default 1,000. */
  maxLogs?: number;
  /**
   * Approximate bound on the event text kept, in UTF-16 code units: beyond it the oldest ended logs are
   * dropped (running turns are never dropped). Default 33,554,432 (32 Mi).
   */
  maxBytes?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

interface Piece {
  text: string;
  /** Sequence number of its first frame. */
  first: number;
}

interface Log {
  pieces: Piece[];
  bytes: number;
  nextSequence: number;
  ended: boolean;
  endedAt: number;
  controller: AbortController;
  stopReason: TurnStopReason | undefined;
  /** Readers waiting for the next piece or the end. */
  waiters: Set<() => void>;
}

function keyOf(id: string, scope: StoreScope | undefined): string {
  return scope?.tenant ? `${scope.tenant}\u0000${id}` : id;
}

function wake(log: Log): void {
  const waiters = [...log.waiters];
  log.waiters.clear();
  for (const waiter of waiters) waiter();
}

/**
 * An in-process {@link TurnLog}: the events of running turns (and of ended ones for `retentionMs`), for
 * resume and cancel within one process. A turn never gets lost here: it lives and dies with the process
 * that runs it. Behind a load balancer use a shared log such as the Redis store's.
 */
export function createMemoryTurnLog(options: MemoryTurnLogOptions = {}): TurnLog {
  const retentionMs = options.retentionMs ?? 600_000;
  const maxLogs = options.maxLogs ?? 1000;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  let totalBytes = 0;
  const now = options.now ?? Date.now;
  const logs = new Map<string, Log>();

  function drop(key: string, log: Log): void {
    logs.delete(key);
    totalBytes -= log.bytes;
  }

  /** Drops ended logs past their retention, then the oldest ended ones while over `maxLogs` or `maxBytes`. */
  function sweep(): void {
    const at = now();
    for (const [key, log] of logs) {
      if (log.ended && (log.endedAt + retentionMs <= at || logs.size > maxLogs || totalBytes > maxBytes)) {
        drop(key, log);
      }
    }
  }

  function find(id: string, scope: StoreScope | undefined): Log | undefined {
    const log = logs.get(keyOf(id, scope));
    if (log?.ended && log.endedAt + retentionMs <= now()) {
      drop(keyOf(id, scope), log);
      return undefined;
    }
    return log;
  }

  return {
    async begin(id, scope) {
      sweep();
      const previous = logs.get(keyOf(id, scope));
      if (previous) drop(keyOf(id, scope), previous);
      const log: Log = {
        pieces: [],
        bytes: 0,
        nextSequence: 0,
        ended: false,
        endedAt: 0,
        controller: new AbortController(),
        stopReason: undefined,
        waiters: new Set(),
      };
      logs.set(keyOf(id, scope), log);
      const writer: TurnWriter = {
        async append(text) {
          if (log.ended) return;
          const count = countSSEFrames(text);
          if (count === 0) return;
          log.pieces.push({ text, first: log.nextSequence });
          log.nextSequence += count;
          log.bytes += text.length;
          if (logs.get(keyOf(id, scope)) === log) totalBytes += text.length;
          wake(log);
        },
        async end() {
          if (log.ended) return;
          log.ended = true;
          log.endedAt = now();
          wake(log);
          if (totalBytes > maxBytes) sweep();
        },
        get signal() {
          return log.controller.signal;
        },
        get stopReason() {
          return log.stopReason;
        },
      };
      return writer;
    },

    async read(id, { startingAfter, signal }, scope) {
      const log = find(id, scope);
      if (!log) return undefined;
      return (async function* () {
        let index = 0;
        for (;;) {
          while (index < log.pieces.length) {
            const piece = log.pieces[index++]!;
            const text = framesAfter(piece.text, piece.first, startingAfter);
            if (text !== "") yield text;
          }
          if (log.ended || signal.aborted) return;
          await new Promise<void>((resolve) => {
            const done = () => {
              signal.removeEventListener("abort", done);
              log.waiters.delete(done);
              resolve();
            };
            log.waiters.add(done);
            signal.addEventListener("abort", done, { once: true });
          });
        }
      })();
    },

    async cancel(id, scope) {
      const log = find(id, scope);
      if (!log || log.ended) return false;
      if (!log.controller.signal.aborted) {
        log.stopReason = "cancelled";
        log.controller.abort(new Error("The response was cancelled."));
      }
      return true;
    },

    async state(id, scope) {
      const log = find(id, scope);
      if (!log) return undefined;
      return log.ended ? "ended" : "running";
    },

    async closeLost() {
      return false;
    },
  };
}
