export {
  createRedisStore,
  type RedisStore,
  type RedisStoreClientOption,
  type RedisStoreOptions,
  type RedisStoreUrlOption,
} from "./create-redis-store.js";
export type { RedisTurnLogOptions } from "./redis-turn-log.js";
