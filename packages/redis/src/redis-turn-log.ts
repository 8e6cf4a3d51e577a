import { createHash, randomBytes } from "node:crypto";
import type { StoreScope } from "@responses-bridge/core";
import {
  countSSEFrames,
  framesAfter,
  type TurnLog,
  type TurnState,
  type TurnStopReason,
  type TurnWriter,
} from "@responses-bridge/core/http";
import type { Redis } from "ioredis";
import type { LuaScript } from "./lua-scripts.js";
import type { RedisPartsContext } from "./redis-parts.js";

/** Options of the Redis turn log (the `turns` option of {@link createRedisStore}). */
export interface RedisTurnLogOptions {
  /**
   * Lease of the instance running a turn, in milliseconds: refreshed while the turn runs; once it expires
   * without the turn ending, any instance marks the response `failed`. Default 5,000.
   */
  leaseMs?: number;
  /** How often the running instance refreshes its lease and checks for a cancel, in milliseconds. Default 250. */
  pollMs?: number;
  /** How long a turn's events stay readable after its last write, in milliseconds. Default 3,600,000 (one hour). */
  retentionMs?: number;
  /** Most entries (network reads) kept per turn, trimmed approximately (`XADD MAXLEN ~`). Default 100,000. */
  maxEntries?: number;
  /** How long one blocking read waits before checking the turn's lease again, in milliseconds. Default 1,000. */
  blockMs?: number;
}

function script(source: string): LuaScript {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

/** KEYS[1] lease, KEYS[2] cancel. ARGV[1] token, ARGV[2] lease ms. Reply -1 (lost), 1 (cancel asked), 0. */
const REFRESH: LuaScript = script(`
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return -1 end
redis.call("PEXPIRE", KEYS[1], tonumber(ARGV[2]))
return redis.call("EXISTS", KEYS[2])
`);

/** KEYS[1] lease, KEYS[2] cancel. ARGV[1] cancel key ms. Reply 1 when a lease is held (the cancel is set). */
const CANCEL: LuaScript = script(`
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
redis.call("SET", KEYS[2], "1", "PX", tonumber(ARGV[1]))
return 1
`);

/** KEYS[1] lease. ARGV[1] token. Deletes the lease when it is still ours. */
const RELEASE: LuaScript = script(`
if redis.call("GET", KEYS[1]) == ARGV[1] then redis.call("DEL", KEYS[1]) end
return 1
`);

type Entry = [id: string, fields: string[]];

/** An entry's fields as a map (`s` first sequence number, `t` SSE text, `end` on the last entry). */
function fieldsOf(entry: Entry): Map<string, string> {
  const fields = new Map<string, string>();
  for (let index = 0; index + 1 < entry[1].length; index += 2)
    fields.set(entry[1][index]!, entry[1][index + 1]!);
  return fields;
}

/**
 * A {@link TurnLog} on Redis, shared by every instance: a turn's events go to a Redis Stream
 * (`{prefix}{tenant}:events:{id}`, one entry per network read, trimmed to `maxEntries`, expiring
 * `retentionMs` after the last write), followed with `XREAD BLOCK` on a connection of its own; the
 * running instance holds a lease (`…:lease:{id}`) it refreshes every `pollMs`, and checks then for a
 * cancel (`…:cancel:{id}`, set by any instance), so a cancel stops the upstream call within `pollMs`
 * plus a round trip.
 */
export function createRedisTurnLog(context: RedisPartsContext, options: RedisTurnLogOptions = {}): TurnLog {
  const { client, key, bounded, evalScript } = context;
  const leaseMs = options.leaseMs ?? 5000;
  const pollMs = options.pollMs ?? 250;
  const retentionMs = options.retentionMs ?? 3_600_000;
  const maxEntries = options.maxEntries ?? 100_000;
  const blockMs = options.blockMs ?? 1000;

  async function lastEntry(eventsKey: string): Promise<Entry | undefined> {
    const entries = (await bounded(() => client.xrevrange(eventsKey, "+", "-", "COUNT", 1))) as Entry[];
    return entries[0];
  }

  async function state(id: string, scope: StoreScope | undefined): Promise<TurnState | undefined> {
    const [last, leased] = await Promise.all([
      lastEntry(key("events", id, scope)),
      bounded(() => client.exists(key("lease", id, scope))),
    ]);
    if (!last) return undefined;
    if (fieldsOf(last).has("end")) return "ended";
    return leased ? "running" : "lost";
  }

  return {
    async begin(id, scope) {
      const eventsKey = key("events", id, scope);
      const leaseKey = key("lease", id, scope);
      const cancelKey = key("cancel", id, scope);
      const token = randomBytes(12).toString("hex");
      await bounded(async () => {
        const transaction = client.multi();
        transaction.set(leaseKey, token, "PX", leaseMs);
        transaction.del(eventsKey, cancelKey);
        transaction.xadd(eventsKey, "MAXLEN", "~", maxEntries, "*", "s", "0", "t", "");
        transaction.pexpire(eventsKey, retentionMs);
        const results = await transaction.exec();
        for (const [error] of results ?? []) if (error) throw error;
      });
      const controller = new AbortController();
      let stopReason: TurnStopReason | undefined;
      let nextSequence = 0;
      let ended = false;
      let chain: Promise<unknown> = Promise.resolve();
      const stop = (reason: TurnStopReason) => {
        if (controller.signal.aborted) return;
        stopReason = reason;
        controller.abort(
          new Error(reason === "cancelled" ? "The response was cancelled." : "The turn's lease was lost."),
        );
      };
      let polling = false;
      const timer = setInterval(() => {
        if (polling || ended) return;
        polling = true;
        bounded(() => evalScript(REFRESH, [leaseKey, cancelKey], [token, String(leaseMs)]))
          .then((reply) => {
            if (Number(reply) === -1) stop("lease_lost");
            else if (Number(reply) === 1) stop("cancelled");
          })
          // Redis unreachable: the lease runs out by itself; keep trying until it is gone.
          .catch(() => {})
          .finally(() => {
            polling = false;
          });
      }, pollMs);
      const writer: TurnWriter = {
        append(text) {
          const count = countSSEFrames(text);
          if (count === 0 || ended) return Promise.resolve();
          const first = nextSequence;
          nextSequence += count;
          const write = chain.then(() =>
            bounded(async () => {
              const transaction = client.multi();
              transaction.xadd(eventsKey, "MAXLEN", "~", maxEntries, "*", "s", String(first), "t", text);
              transaction.pexpire(eventsKey, retentionMs);
              await transaction.exec();
            }),
          );
          chain = write.catch(() => {});
          return write;
        },
        async end() {
          if (ended) return;
          ended = true;
          clearInterval(timer);
          await chain;
          await bounded(async () => {
            const transaction = client.multi();
            transaction.xadd(
              eventsKey,
              "MAXLEN",
              "~",
              maxEntries,
              "*",
              "s",
              String(nextSequence),
              "end",
              "1",
            );
            transaction.pexpire(eventsKey, retentionMs);
            await transaction.exec();
          });
          await bounded(() => evalScript(RELEASE, [leaseKey], [token]));
        },
        get signal() {
          return controller.signal;
        },
        get stopReason() {
          return stopReason;
        },
      };
      return writer;
    },

    async read(id, { startingAfter, signal }, scope) {
      const eventsKey = key("events", id, scope);
      const stored = (await bounded(() => client.xrange(eventsKey, "-", "+"))) as Entry[];
      if (stored.length === 0) return undefined;
      return (async function* () {
        let lastId = "0-0";
        const take = (entry: Entry): { text: string; end: boolean } => {
          lastId = entry[0];
          const fields = fieldsOf(entry);
          const text = fields.get("t") ?? "";
          return {
            text: text === "" ? "" : framesAfter(text, Number(fields.get("s") ?? 0), startingAfter),
            end: fields.has("end"),
          };
        };
        for (const entry of stored) {
          const { text, end } = take(entry);
          if (text !== "") yield text;
          if (end) return;
        }
        // Follow the live turn on a connection of its own (XREAD BLOCK holds its connection).
        const reader = (client as { duplicate(): Redis }).duplicate();
        reader.on("error", () => {});
        const onAbort = () => reader.disconnect();
        signal.addEventListener("abort", onAbort, { once: true });
        try {
          while (!signal.aborted) {
            const reply = (await reader.xread("BLOCK", blockMs, "STREAMS", eventsKey, lastId)) as Array<
              [string, Entry[]]
            > | null;
            if (reply === null) {
              const now = await state(id, scope);
              if (now === undefined || now === "lost") return;
              if (now === "ended") continue;
              continue;
            }
            for (const [, entries] of reply) {
              for (const entry of entries) {
                const { text, end } = take(entry);
                if (text !== "") yield text;
                if (end) return;
              }
            }
          }
        } catch (error) {
          if (!signal.aborted) throw error;
        } finally {
          signal.removeEventListener("abort", onAbort);
          reader.disconnect();
        }
      })();
    },

    async cancel(id, scope) {
      const reply = await bounded(() =>
        evalScript(
          CANCEL,
          [key("lease", id, scope), key("cancel", id, scope)],
          [String(Math.max(60_000, leaseMs))],
        ),
      );
      return Number(reply) === 1;
    },

    state,

    async closeLost(id, frame, scope) {
      const eventsKey = key("events", id, scope);
      const leaseKey = key("lease", id, scope);
      const token = randomBytes(12).toString("hex");
      // Claim the dead turn: fails while a live lease exists (or another instance is closing it).
      const claimed = await bounded(() => client.set(leaseKey, token, "PX", leaseMs, "NX"));
      if (claimed !== "OK") return false;
      try {
        const last = await lastEntry(eventsKey);
        if (!last || fieldsOf(last).has("end")) return false;
        const fields = fieldsOf(last);
        const next = Number(fields.get("s") ?? 0) + countSSEFrames(fields.get("t") ?? "");
        await bounded(async () => {
          const transaction = client.multi();
          transaction.xadd(eventsKey, "MAXLEN", "~", maxEntries, "*", "s", String(next), "t", frame(next));
          transaction.xadd(eventsKey, "MAXLEN", "~", maxEntries, "*", "s", String(next + 1), "end", "1");
          transaction.pexpire(eventsKey, retentionMs);
          await transaction.exec();
        });
        return true;
      } finally {
        await bounded(() => evalScript(RELEASE, [leaseKey], [token])).catch(() => {});
      }
    },
  };
}
