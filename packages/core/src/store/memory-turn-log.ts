import type { StoreScope } from "../types.js";
import { type LruLinks, LruMap } from "./lru-map.js";
import { scopedKey } from "./scope.js";
import { countSSEFrames, framesAfter } from "./sse-frames.js";
import type { TurnLog, TurnStopReason, TurnWriter } from "./stateful-types.js";

/** Options for {@link createMemoryTurnLog}. */
export interface MemoryTurnLogOptions {
  /** How long an ended turn's events stay readable, in milliseconds. Default 600,000 (ten minutes). */
  retentionMs?: number;
  /** Most logs kept; beyond it the oldest ended logs are dropped. Default 1,000. */
  maxLogs?: number;
  /**
   * Bound on the event text kept, in bytes: a turn's text counts two bytes per character (the most a
   * JavaScript string takes) plus a fixed overhead per appended piece. Beyond it the oldest ended logs
   * are dropped (running turns are never dropped).
   * Default 16,777,216 (16 MiB).
   */
  maxBytes?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** Heap taken by one kept piece besides its characters (the string header and its array slot). */
const PIECE_OVERHEAD = 32;

interface Log extends LruLinks<Log> {
  /** Its key in the log map (scoped). */
  key: string;
  /**
   * The SSE text of the turn, piece by piece as the stream wrote it, kept as is once the turn ended:
   * ending a log copies nothing, and frames are counted only when a reader replays them. (The pieces are
   * the strings the client was sent, already flat; the garbage collector does not scan a string's text.)
   */
  pieces: string[];
  bytes: number;
  ended: boolean;
  endedAt: number;
  /** Created on first use: most turns are never cancelled and nobody reads their signal. */
  controller: AbortController | undefined;
  stopReason: TurnStopReason | undefined;
  /** Readers waiting for the next piece or the end (created when the first reader waits). */
  waiters: Set<() => void> | undefined;
}

function wake(log: Log): void {
  const waiters = log.waiters;
  if (!waiters || waiters.size === 0) return;
  log.waiters = undefined;
  for (const waiter of waiters) waiter();
}

function controllerOf(log: Log): AbortController {
  log.controller ??= new AbortController();
  return log.controller;
}

/**
 * An in-process {@link TurnLog}: the events of running turns (and of ended ones for `retentionMs`), for
 * resume and cancel within one process. A turn never gets lost here: it lives and dies with the process
 * that runs it. Behind a load balancer use a shared log such as the Redis store's.
 *
 * Writing costs one array push per piece: frames are numbered only when a reader replays them, and
 * expired or excess logs are swept when a bound is crossed (or once per minute), not on every turn.
 */
export function createMemoryTurnLog(options: MemoryTurnLogOptions = {}): TurnLog {
  const retentionMs = options.retentionMs ?? 600_000;
  const maxLogs = options.maxLogs ?? 1000;
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  const now = options.now ?? Date.now;
  let totalBytes = 0;
  let nextSweepAt = now() + Math.min(retentionMs, 60_000);
  // Oldest first (a log is never marked used again), without a `Map`'s holes to step over (see LruMap).
  const logs = new LruMap<Log>();

  function drop(log: Log): void {
    logs.delete(log.key);
    totalBytes -= log.bytes;
  }

  function overBounds(): boolean {
    return logs.size > maxLogs || totalBytes > maxBytes;
  }

  /**
   * Drops ended logs past their retention, then the oldest ended ones while over `maxLogs` or `maxBytes`.
   * Runs only when a bound is crossed or the sweep is due, so a turn does not pay for the logs kept.
   */
  function sweep(): void {
    const at = now();
    const due = at >= nextSweepAt;
    if (!due && !overBounds()) return;
    if (due) nextSweepAt = at + Math.min(retentionMs, 60_000);
    for (const log of logs.values()) {
      const over = overBounds();
      if (!over && !due) break;
      if (log.ended && (over || log.endedAt + retentionMs <= at)) drop(log);
    }
  }

  function find(id: string, scope: StoreScope | undefined): Log | undefined {
    const key = scopedKey(id, scope);
    const log = logs.get(key);
    if (log?.ended && log.endedAt + retentionMs <= now()) {
      drop(log);
      return undefined;
    }
    return log;
  }

  return {
    async begin(id, scope) {
      const key = scopedKey(id, scope);
      const previous = logs.get(key);
      if (previous) drop(previous);
      const log: Log = {
        key,
        older: undefined,
        newer: undefined,
        pieces: [],
        bytes: 0,
        ended: false,
        endedAt: 0,
        controller: undefined,
        stopReason: undefined,
        waiters: undefined,
      };
      logs.set(key, log);
      sweep();
      const writer: TurnWriter = {
        append(text) {
          if (log.ended || text === "") return;
          log.pieces.push(text);
          // Two bytes per character, whatever the text: conservative, and no scan of the text on the stream's path.
          const bytes = PIECE_OVERHEAD + text.length * 2;
          log.bytes += bytes;
          if (logs.get(key) === log) totalBytes += bytes;
          wake(log);
        },
        end() {
          if (log.ended) return;
          log.ended = true;
          log.endedAt = now();
          wake(log);
          sweep();
        },
        get signal() {
          return controllerOf(log).signal;
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
        let sequence = 0;
        for (;;) {
          if (log.ended) {
            // The rest of an ended log in one piece: its frames after `startingAfter`.
            const rest = framesAfter(log.pieces.slice(index).join(""), sequence, startingAfter);
            if (rest !== "") yield rest;
            return;
          }
          while (index < log.pieces.length) {
            const piece = log.pieces[index++]!;
            const text = framesAfter(piece, sequence, startingAfter);
            sequence += countSSEFrames(piece);
            if (text !== "") yield text;
          }
          if (signal.aborted) return;
          if (log.ended) continue;
          await new Promise<void>((resolve) => {
            const done = () => {
              signal.removeEventListener("abort", done);
              log.waiters?.delete(done);
              resolve();
            };
            log.waiters ??= new Set();
            log.waiters.add(done);
            signal.addEventListener("abort", done, { once: true });
          });
        }
      })();
    },

    async cancel(id, scope) {
      const log = find(id, scope);
      if (!log || log.ended) return false;
      const controller = controllerOf(log);
      if (!controller.signal.aborted) {
        log.stopReason = "cancelled";
        controller.abort(new Error("The response was cancelled."));
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
