/** @ccb/test-engines: throwaway PostgreSQL, Redis and nginx servers from Debian's packages on loopback, for tests. */

export { createTestDatabase } from './create-test-database.js';
export type { EngineOptions } from './engine-options.js';
export { enginesRequired } from './engines-required.js';
export { freePort } from './free-port.js';
export { type NginxConfigOptions, nginxConfig } from './nginx-config.js';
export {
  ownPostgresSkipReason,
  postgresForTests,
  postgresSkipReason,
  type TestPostgres,
} from './postgres-for-tests.js';
export { canStartRedis, ownRedisSkipReason, redisForTests, type TestRedis } from './redis-for-tests.js';
export { type NginxServer, nginxBinary, nginxSkipReason, startNginx } from './start-nginx.js';
export { type PostgresServer, postgresBinDir, startPostgres } from './start-postgres.js';
export { type RedisServer, redisBinary, redisSkipReason, startRedis } from './start-redis.js';
