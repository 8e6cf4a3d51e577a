export {
  createRedisStore,
  type RedisStore,
  type RedisStoreClient,
  type RedisStoreClientOption,
  type RedisStoreOptions,
  type RedisStoreSettings,
  type RedisStoreUrlOption,
} from "./create-redis-store.js";
export type { RedisTurnLogOptions } from "./redis-turn-log.js";
