/** @ccb/state-redis: live state shared by several ccb instances on Redis, behind the stores the router defines. */

export { redisAddress } from './redis-address.js';
export {
  createRedisConnection,
  type RedisConnection,
  type RedisConnectionOptions,
  type StateStoreStatus,
} from './redis-connection.js';
export {
  StateStoreError,
  type StateStoreErrorCode,
  type StateStoreErrorOptions,
} from './state-store-error.js';
