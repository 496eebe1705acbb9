import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { enginesRequired } from './engines-required.js';
import { redisBinary, startRedis } from './start-redis.js';

/** Whether `redis-server` can be started here (a test that kills its Redis needs this). */
export const canStartRedis: boolean = existsSync(redisBinary);

/**
 * Why a test that must start (and kill) its own redis-server cannot run here, as one line; `undefined` when it can,
 * or when the engines are required (`CCB_REQUIRE_ENGINES=1`: the test then runs and fails loudly).
 */
export function ownRedisSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (canStartRedis || enginesRequired(env)) return undefined;
  return `install redis-server (apt-get install redis-server, ${redisBinary}): this test stops its own Redis`;
}

/** A Redis server for one test, with a key prefix of its own. */
export interface TestRedis {
  readonly url: string;
  /** A fresh `ccb-test-<uuid>:` prefix, so that tests sharing one server never see each other's keys. */
  readonly keyPrefix: string;
  /** Whether this test started the server (and so can kill and restart it). */
  readonly owned: boolean;
  /** SIGKILL: the server vanishes without closing connections cleanly (no-op for `REDIS_URL`'s). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty (no persistence). */
  restart(): Promise<void>;
  /** Stops it for good and removes its folder (for `REDIS_URL`'s: nothing). */
  stop(): Promise<void>;
}

/**
 * A Redis for one test: `REDIS_URL`'s when set (with a key prefix of its own), else a redis-server started on a free
 * loopback port. `mustOwn` insists on a server the test can kill and restart. Check `redisSkipReason()` first.
 */
export async function redisForTests(
  options: { mustOwn?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<TestRedis> {
  const keyPrefix = `ccb-test-${randomUUID()}:`;
  const external = (options.env ?? process.env).REDIS_URL ?? '';
  if (external !== '' && (options.mustOwn !== true || !canStartRedis)) {
    if (options.mustOwn === true)
      throw new Error('this test kills its Redis: it needs redis-server installed');
    const noop = async () => {};
    return { url: external, keyPrefix, owned: false, kill: noop, restart: noop, stop: noop };
  }
  const server = await startRedis();
  return {
    url: server.url,
    keyPrefix,
    owned: true,
    kill: () => server.stop(),
    async restart() {
      await server.stop();
      await server.start();
    },
    stop: () => server.destroy(),
  };
}
