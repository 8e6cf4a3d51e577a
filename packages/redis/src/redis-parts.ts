import type { StoreScope } from "@responses-bridge/core";
import type { Cluster, Redis } from "ioredis";
import type { LuaScript } from "./lua-scripts.js";

/** What the Redis store's stateful parts (conversations, turn log) share with the store itself. */
export interface RedisPartsContext {
  /** The store's client. */
  client: Redis | Cluster;
  /** The full key of one thing in a scope, e.g. `rb:tenant:conv:{id}` (hash-tagged on a cluster). */
  key(kind: string, id: string, scope: StoreScope | undefined): string;
  /** Runs one operation within the store's command timeout; failures become 503 `store_unavailable`. */
  bounded<T>(work: () => Promise<T>): Promise<T>;
  /** Runs a Lua script (EVALSHA, falling back to EVAL). */
  evalScript(lua: LuaScript, keys: string[], args: string[]): Promise<unknown>;
  /** The store's time to live in milliseconds; 0 means no expiry. */
  ttlMs: number;
}
