/** @ccb/state-redis/testing: a real redis-server for tests (this package's and the CLI's). */
export {
  canStartRedis,
  hasRedis,
  noRedisReason,
  redisServerPath,
  startTestRedis,
  type TestRedis,
} from './redis-server.js';
