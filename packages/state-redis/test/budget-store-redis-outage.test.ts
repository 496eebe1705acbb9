import { canStartRedis, redisForTests, redisSkipReason, type TestRedis } from '@ccb/test-engines';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRedisBudgetStore,
  createRedisConnection,
  type RedisBudgetHold,
  type RedisBudgetStore,
  type RedisConnection,
} from '../src/index.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(): Promise<{
  server: TestRedis;
  connection: RedisConnection;
  budgets: RedisBudgetStore;
}> {
  // Owned: the test kills and restarts it.
  const server = await redisForTests({ mustOwn: true });
  cleanups.push(() => server.stop());
  const connection = createRedisConnection({
    url: server.url,
    keyPrefix: server.keyPrefix,
    maxReconnectDelayInMs: 100,
  });
  cleanups.push(() => connection.close());
  await whenUp(connection);
  const budgets = createRedisBudgetStore({ connection, reserveTimeoutInMs: 5_000 });
  cleanups.push(() => budgets.close());
  return { server, connection, budgets };
}

function whenUp(connection: RedisConnection): Promise<void> {
  if (connection.status().up) return Promise.resolve();
  return new Promise((resolve) => {
    const off = connection.onUp(() => {
      off();
      resolve();
    });
  });
}

function whenDown(connection: RedisConnection): Promise<void> {
  if (!connection.status().up) return Promise.resolve();
  return new Promise((resolve) => {
    const off = connection.onDown(() => {
      off();
      resolve();
    });
  });
}

async function kill(server: TestRedis, connection: RedisConnection): Promise<void> {
  const down = whenDown(connection);
  await server.kill();
  await down;
}

/** Restarts Redis (empty) and waits for the replay the store starts on reconnecting. */
async function restart(server: TestRedis, connection: RedisConnection, budgets: RedisBudgetStore) {
  const up = whenUp(connection);
  await server.restart();
  await up;
  await budgets.flush();
}

/** How many scripts the (restarted) server ran: every settlement or release is one. */
async function scriptsRun(connection: RedisConnection): Promise<number> {
  const info = await connection.commands.info('commandstats');
  let calls = 0;
  for (const match of info.matchAll(/^cmdstat_(?:eval|evalsha):calls=(\d+).*?failed_calls=(\d+)/gm)) {
    calls += Number(match[1]) - Number(match[2]);
  }
  return calls;
}

const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400_000;
const now = dayStart + 3_600_000;

function hold(costUsd: number): RedisBudgetHold {
  return {
    counter: 'key:k:day',
    windowStartInMs: dayStart,
    windowEndInMs: dayStart + 86_400_000,
    costUsd,
    tokens: 10,
    limitUsd: 100,
  };
}

describe.skipIf(redisSkipReason() !== undefined || !canStartRedis)('budget releases across an outage', () => {
  it('keeps no release for reservations Redis never saw: none is written when it is back', async () => {
    const { server, connection, budgets } = await setUp();
    await kill(server, connection);
    for (let request = 0; request < 50; request++) {
      const id = `offline-${request}`;
      expect(budgets.reserve({ id, holds: [hold(0.01)], nowInMs: now, expiresAtInMs: now + 60_000 })).toEqual(
        { granted: true },
      );
      budgets.settle({ id, holds: [hold(0.01)], spend: [] });
    }
    await restart(server, connection, budgets);
    expect(await scriptsRun(connection)).toBe(0);
  });

  it('releases, when Redis is back, only the reservations it granted that have not expired since', async () => {
    const { server, connection, budgets } = await setUp();
    const short = { id: 'short', holds: [hold(0.1)], nowInMs: now, expiresAtInMs: now + 1_000 };
    const long = { id: 'long', holds: [hold(0.2)], nowInMs: now, expiresAtInMs: now + 60_000 };
    expect(await budgets.reserve(short)).toEqual({ granted: true });
    expect(await budgets.reserve(long)).toEqual({ granted: true });
    await kill(server, connection);
    budgets.settle({ id: 'short', holds: short.holds, spend: [] });
    budgets.settle({ id: 'long', holds: long.holds, spend: [] });
    // Time passes (told by the next request's clock): Redis has freed `short` by itself.
    budgets.reserve({ id: 'later', holds: [hold(0.01)], nowInMs: now + 2_000, expiresAtInMs: now + 62_000 });
    await restart(server, connection, budgets);
    expect(await scriptsRun(connection)).toBe(1);
  });
});
