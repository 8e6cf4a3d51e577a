import {
  type ResponseStore,
  ResponsesBridgeError,
  type StoredResponse,
  type StoreScope,
} from "@responses-bridge/core";
import type { ConversationStore, TurnLog } from "@responses-bridge/core/http";
import {
  decodeStoredResponse,
  encodeStoredResponse,
  findItem,
  itemIdsOf,
  MAX_CHAIN_LENGTH,
} from "@responses-bridge/core/http";
import { type Cluster, Redis, type RedisOptions } from "ioredis";
import { CHAIN_SCRIPT, ITEMS_SCRIPT, type LuaScript } from "./lua-scripts.js";
import { createRedisConversations } from "./redis-conversations.js";
import type { RedisPartsContext } from "./redis-parts.js";
import { createRedisTurnLog, type RedisTurnLogOptions } from "./redis-turn-log.js";

/** One input item of a stored turn (the `openai` SDK's `ResponseInputItem`). */
type ResponseInputItem = StoredResponse["input"][number];

/** 30 days, OpenAI's retention for stored responses. */
const THIRTY_DAYS_MS = 30 * 24 * 60 * 60 * 1000;
/** Most turns one chain script call walks before returning (keeps Redis' single thread responsive). */
const HOPS_PER_CALL = 1000;
/** Most reply bytes one chain script call gathers before returning. */
const BYTES_PER_CALL = 8 * 1024 * 1024;

/** The `ioredis` clients the store works with: `Redis` (standalone, Sentinel, a managed primary) or `Cluster`. */
export type RedisStoreClient = Redis | Cluster;

/** Connect through a client you created and own: the store never closes it. */
export interface RedisStoreClientOption<C extends RedisStoreClient = RedisStoreClient> {
  /**
   * An `ioredis` client: `Redis` (standalone, Sentinel or a managed primary) or `Cluster` (Redis Cluster;
   * keys then carry a hash tag, see {@link RedisStoreSettings.hashTags}). Its `keyPrefix`, if any, is
   * honoured. The store bounds every operation by `commandTimeoutMs` itself, whatever the client's
   * `commandTimeout` and offline queue settings.
   */
  client: C;
  url?: undefined;
  redisOptions?: undefined;
}

/** Let the store create (and own) its client. */
export interface RedisStoreUrlOption {
  /** A Redis URL, e.g. `redis://:password@127.0.0.1:6379/0` or `rediss://…` for TLS. */
  url: string;
  /**
   * Extra `ioredis` options, merged over the store's defaults (`commandTimeout: commandTimeoutMs`,
   * `maxRetriesPerRequest: 1`, reconnecting forever with a delay of at most one second).
   */
  redisOptions?: RedisOptions;
  client?: undefined;
}

/** The settings of {@link createRedisStore} besides the connection. */
export interface RedisStoreSettings {
  /** Prefix of every key the store writes. Default `"rb:"`. */
  keyPrefix?: string;
  /**
   * Wrap each scope's key prefix in a Redis Cluster hash tag: `{rb:tenant}:resp:{id}` instead of
   * `rb:tenant:resp:{id}`, so all keys of one tenant share a hash slot, as the store's `MULTI` and Lua
   * scripts need on a cluster (each tenant's keys live on one shard; tenants spread across shards).
   * Default: on for an `ioredis` `Cluster` client, off otherwise; turn it on for a standalone client that
   * talks to a cluster through a proxy. Requires a non-empty `keyPrefix`.
   */
  hashTags?: boolean;
  /**
   * Time to live of every record and item index entry, in milliseconds, counted from the turn's `put`
   * (a later turn does not extend earlier ones, as on OpenAI). Default 2,592,000,000 (30 days).
   * `0` or `Infinity` keeps records until deleted (or evicted by Redis' `maxmemory-policy`).
   */
  ttlMs?: number;
  /**
   * Longest any store operation may take, in milliseconds, including waiting for a connection. After it,
   * and at once while the client is reconnecting, the operation rejects with a 503
   * `ResponsesBridgeError` (`type: "server_error"`, `code: "store_unavailable"`). Default 1000.
   */
  commandTimeoutMs?: number;
  /** Called with connection errors of a client the store created (`url`); they are otherwise dropped. */
  onConnectionError?: (error: Error) => void;
  /** Leases, polling and retention of the turn log (background responses, resume, cancel across instances). */
  turns?: RedisTurnLogOptions;
}

/** Options for {@link createRedisStore}: a connection (`client` or `url`) plus {@link RedisStoreSettings}. */
export type RedisStoreOptions<C extends RedisStoreClient = RedisStoreClient> = (
  | RedisStoreClientOption<C>
  | RedisStoreUrlOption
) &
  RedisStoreSettings;

/**
 * The store {@link createRedisStore} returns: a {@link ResponseStore} with every optional method. `C` is
 * the client type: `Redis` when the store was created from a `url`, else the client passed in.
 */
export interface RedisStore<C extends RedisStoreClient = Redis> extends ResponseStore {
  /** The whole chain ending at `id`, oldest first, in one round trip per 1,000 turns (or 8 MiB); undefined when a link is missing. */
  getChain(id: string, scope?: StoreScope): Promise<StoredResponse[] | undefined>;
  /** Items by id (input items that carried an `id`, and output items), in one round trip. */
  getItems(ids: readonly string[], scope?: StoreScope): Promise<Map<string, ResponseInputItem>>;
  /** Conversations: `{keyPrefix}{tenant}:conv:{id}` and the list `…:convitems:{id}`, with `ttlMs`. */
  readonly conversations: ConversationStore;
  /** The turn log on Redis Streams, with leases and cancel across instances (see {@link RedisTurnLogOptions}). */
  readonly turns: TurnLog;
  /** The Redis client in use. */
  readonly client: C;
  /** Closes the client when the store created it (`url`); does nothing for a client you passed in. */
  close(): Promise<void>;
}

/** The 503 every failed or timed-out Redis operation becomes, so callers answer clients quickly and clearly. */
function storeUnavailable(cause: unknown): ResponsesBridgeError {
  return new ResponsesBridgeError("The response store is unavailable. Please try again later.", {
    status: 503,
    type: "server_error",
    code: "store_unavailable",
    cause,
  });
}

function corruptRecord(key: string): ResponsesBridgeError {
  return new ResponsesBridgeError("The server had an error while reading a stored response.", {
    status: 500,
    type: "server_error",
    code: "store_corrupt_record",
    cause: new Error(`Redis key '${key}' does not hold a responses-bridge record.`),
  });
}

/**
 * A record is stored in core's compact form (`encodeStoredResponse`): three lines of JSON, the
 * predecessor's id first, so the chain script reads links without decoding the rest.
 */
function decodeRecord(id: string, value: string, key: string): StoredResponse {
  const record = decodeStoredResponse(id, value);
  if (record === undefined) throw corruptRecord(key);
  return record;
}

/**
 * A {@link ResponseStore} on Redis, shared by every bridge instance that points at the same Redis.
 *
 * - Keys: `{keyPrefix}{tenant}:resp:{id}` for a turn (tenant URI-encoded, empty without a tenant) and
 *   `{keyPrefix}{tenant}:item:{itemId}` for the item index (value: the turn's id). The encoded tenant
 *   never holds a `:`, so the scope part of a key ends at its first `:` after the prefix whatever the
 *   id: a `get`, `delete`, `getChain` or `getItems` under another scope (with or without a tenant)
 *   reads other keys, so it finds nothing and can overwrite nothing. On Redis Cluster
 *   (an `ioredis` `Cluster` client, or `hashTags: true`) the `{keyPrefix}{tenant}` part is a hash tag, so
 *   each tenant's keys share a slot.
 * - Each turn is stored once (one `SET … PX ttl` plus one small key per item, in one `MULTI`), linked to its
 *   predecessor; `getChain` walks the links inside Redis with a Lua script: one round trip for up to
 *   1,000 turns. `getItems` resolves all ids in one round trip.
 * - Failures never hang: each operation is bounded by `commandTimeoutMs` and rejects with a 503
 *   `store_unavailable` `ResponsesBridgeError`; the client reconnects by itself when Redis returns.
 *
 * @example
 * ```ts
 * const handler = createResponsesHandler({
 *   upstream,
 *   store: createRedisStore({ url: process.env.REDIS_URL! }),
 * });
 * // On Redis Cluster: createRedisStore({ client: new Cluster([{ host: "10.0.0.1", port: 6379 }]) })
 * ```
 */
export function createRedisStore<C extends RedisStoreClient>(
  options: RedisStoreClientOption<C> & RedisStoreSettings,
): RedisStore<C>;
export function createRedisStore(options: RedisStoreUrlOption & RedisStoreSettings): RedisStore<Redis>;
export function createRedisStore(options: RedisStoreOptions): RedisStore<RedisStoreClient>;
export function createRedisStore(options: RedisStoreOptions): RedisStore<RedisStoreClient> {
  const keyPrefix = options.keyPrefix ?? "rb:";
  const ttlMs = options.ttlMs ?? THIRTY_DAYS_MS;
  const timeoutMs = options.commandTimeoutMs ?? 1000;
  if (!(ttlMs >= 0)) throw new TypeError("createRedisStore: ttlMs must be 0 or more");
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new TypeError("createRedisStore: commandTimeoutMs must be a positive number");
  }
  const expires = ttlMs > 0 && Number.isFinite(ttlMs);
  const ttl = Math.max(1, Math.round(ttlMs));

  let client: RedisStoreClient;
  const owned = options.client === undefined;
  if (options.client !== undefined) {
    client = options.client;
  } else if (typeof options.url === "string") {
    client = new Redis(options.url, {
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(50 * attempt, 1000),
      ...options.redisOptions,
    });
    // Without a listener ioredis prints every failed reconnect; operations report failures themselves.
    client.on("error", (error: Error) => options.onConnectionError?.(error));
  } else {
    throw new TypeError("createRedisStore: pass { client } (an ioredis client) or { url }");
  }
  // Keys built inside Lua scripts do not get the client's own keyPrefix applied: add it by hand there.
  const clientPrefix = (client.options as { keyPrefix?: string } | undefined)?.keyPrefix ?? "";

  // A Cluster needs every key of one MULTI or script in one hash slot: the scope's prefix is the hash tag.
  const hashTags = options.hashTags ?? (client as { isCluster?: boolean }).isCluster === true;
  if (hashTags && keyPrefix === "") {
    throw new TypeError("createRedisStore: keyPrefix must not be empty when hashTags is on");
  }
  const scopePrefix = (scope: StoreScope | undefined) => {
    const scoped = `${keyPrefix}${scope?.tenant ? encodeURIComponent(scope.tenant) : ""}`;
    return hashTags ? `{${scoped}}:` : `${scoped}:`;
  };
  const recordKey = (id: string, scope: StoreScope | undefined) => `${scopePrefix(scope)}resp:${id}`;
  const itemKey = (id: string, scope: StoreScope | undefined) => `${scopePrefix(scope)}item:${id}`;

  /** Runs one operation within `timeoutMs`; every failure becomes a 503 `store_unavailable`. */
  async function bounded<T>(work: () => Promise<T>): Promise<T> {
    const status = client.status;
    // Known to be down (between reconnect attempts) or closed: fail at once instead of waiting.
    if (status === "reconnecting" || status === "close" || status === "end") {
      throw storeUnavailable(new Error(`Redis connection is ${status}`));
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(storeUnavailable(new Error(`Redis did not answer within ${timeoutMs} ms`))),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([work(), deadline]);
    } catch (error) {
      if (ResponsesBridgeError.isInstance(error)) throw error;
      throw storeUnavailable(error);
    } finally {
      clearTimeout(timer);
    }
  }

  async function evalScript(lua: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await client.evalsha(lua.sha, keys.length, ...keys, ...args);
    } catch (error) {
      // After a Redis restart or SCRIPT FLUSH the script cache is empty: send the source once.
      if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
      return await client.eval(lua.source, keys.length, ...keys, ...args);
    }
  }

  // Stateful parts (issue 21), in files of their own; they share the scope's key prefix and hash slot.
  const parts: RedisPartsContext = {
    client,
    key: (kind, id, scope) => `${scopePrefix(scope)}${kind}:${id}`,
    bounded,
    evalScript,
    ttlMs: expires ? ttl : 0,
  };

  return {
    client,
    conversations: createRedisConversations(parts),
    turns: createRedisTurnLog(parts, options.turns),

    async get(id, scope) {
      const key = recordKey(id, scope);
      const value = await bounded(() => client.get(key));
      return value === null ? undefined : decodeRecord(id, value, key);
    },

    async put(record, scope) {
      if (typeof record?.id !== "string" || record.id === "") {
        throw new TypeError("RedisStore.put: record.id must be a non-empty string");
      }
      const value = encodeStoredResponse(record);
      const itemKeys = itemIdsOf(record).map((itemId) => itemKey(itemId, scope));
      await bounded(async () => {
        const transaction = client.multi();
        const key = recordKey(record.id, scope);
        if (expires) transaction.set(key, value, "PX", ttl);
        else transaction.set(key, value);
        for (const key of itemKeys) {
          if (expires) transaction.set(key, record.id, "PX", ttl);
          else transaction.set(key, record.id);
        }
        const results = await transaction.exec();
        if (!results) throw new Error("Redis aborted the transaction");
        for (const [error] of results) if (error) throw error;
      });
    },

    async delete(id, scope) {
      // The turn's item index entries stay until their TTL; they point at nothing and resolve to nothing.
      const removed = await bounded(() => client.del(recordKey(id, scope)));
      return removed > 0;
    },

    async getChain(id, scope) {
      const prefix = `${clientPrefix}${recordKey("", scope)}`;
      const newestFirst: StoredResponse[] = [];
      let next = id;
      for (;;) {
        const reply = (await bounded(() =>
          evalScript(
            CHAIN_SCRIPT,
            [recordKey(next, scope)],
            [prefix, String(HOPS_PER_CALL), String(BYTES_PER_CALL)],
          ),
        )) as string[];
        const [state = "corrupt", ...values] = reply;
        let current: string | null = next;
        for (const value of values) {
          if (current === null) throw corruptRecord(recordKey(next, scope));
          const record = decodeRecord(current, value, recordKey(current, scope));
          newestFirst.push(record);
          current = record.previousResponseId;
        }
        if (state === "end") break;
        if (state === "missing") return undefined;
        if (!state.startsWith("more:") || current === null) throw corruptRecord(recordKey(next, scope));
        if (newestFirst.length >= MAX_CHAIN_LENGTH) return undefined;
        next = current;
      }
      return newestFirst.reverse();
    },

    async getItems(ids, scope) {
      const found = new Map<string, ResponseInputItem>();
      const unique = [...new Set(ids)];
      if (unique.length === 0) return found;
      const prefix = `${clientPrefix}${recordKey("", scope)}`;
      const reply = (await bounded(() =>
        evalScript(
          ITEMS_SCRIPT,
          unique.map((id) => itemKey(id, scope)),
          [prefix],
        ),
      )) as string[];
      const records = new Map<string, StoredResponse>();
      for (let index = unique.length; index + 1 < reply.length; index += 2) {
        const recordId = reply[index]!;
        records.set(recordId, decodeRecord(recordId, reply[index + 1]!, recordKey(recordId, scope)));
      }
      unique.forEach((id, index) => {
        const record = records.get(reply[index] ?? "");
        const item = record && findItem(record, id);
        if (item) found.set(id, item);
      });
      return found;
    },

    async close() {
      if (!owned || client.status === "end") return;
      const ended = new Promise<void>((resolve) => client.once("end", () => resolve()));
      try {
        await bounded(() => client.quit());
      } catch {
        client.disconnect();
      }
      // QUIT resolves before the socket is gone; wait (boundedly) until the client has really ended.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
      // TypeScript narrowed `status` before the awaits; read it afresh.
      if ((client.status as string) !== "end") client.disconnect();
    },
  };
}
