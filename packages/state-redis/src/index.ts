/** @ccb/state-redis: live state shared by several ccb instances on Redis, behind the stores the router defines. */

export type { VerdictGroup } from './_health-verdicts.js';
export {
  createRedisBudgetStore,
  keyGraceInMs,
  type RedisBudgetAmount,
  type RedisBudgetHold,
  type RedisBudgetReserveResult,
  type RedisBudgetStore,
  type RedisBudgetStoreOptions,
  type RedisBudgetTotals,
} from './budget-store-redis.js';
export type { HealthRecordShape } from './health-record-shape.js';
export { redisAddress } from './redis-address.js';
export {
  createRedisAffinityStore,
  type RedisAffinityStore,
  type RedisAffinityStoreOptions,
} from './redis-affinity-store.js';
export {
  createRedisConnection,
  type RedisConnection,
  type RedisConnectionOptions,
  type StateStoreStatus,
} from './redis-connection.js';
export {
  createRedisHealthStore,
  type RedisHealthStore,
  type RedisHealthStoreOptions,
} from './redis-health-store.js';
export {
  createRedisOverrideStore,
  type RedisOverrideStore,
  type RedisOverrideStoreOptions,
} from './redis-override-store.js';
export {
  createRedisTokenStore,
  type RedisTokenStore,
  type RedisTokenStoreOptions,
} from './redis-token-store.js';
export {
  StateStoreError,
  type StateStoreErrorCode,
  type StateStoreErrorOptions,
} from './state-store-error.js';
export type {
  SharedTokenLock,
  SharedTokenLockOptions,
  SharedTokens,
  TokenStoreShape,
} from './token-store-shape.js';
