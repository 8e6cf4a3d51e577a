export {
  createRedisStore,
  type RedisStore,
  type RedisStoreClientOption,
  type RedisStoreOptions,
  type RedisStoreUrlOption,
} from "./create-redis-store.js";
