import { redisForTests, redisSkipReason } from '@ccb/test-engines';
import { afterEach, describe, expect, it } from 'vitest';
import { createReplicatedHash } from '../src/_replicated-hash.js';
import { createRedisAffinityStore, createRedisConnection, type RedisConnection } from '../src/index.js';

const hasRedis = redisSkipReason() === undefined;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function connectToOwnRedis(): Promise<RedisConnection> {
  // Owned: the test changes the server's memory limit.
  const server = await redisForTests({ mustOwn: true });
  cleanups.push(() => server.stop());
  const connection = createRedisConnection({ url: server.url, keyPrefix: server.keyPrefix });
  cleanups.push(() => connection.close());
  if (!connection.status().up) {
    await new Promise<void>((resolve) => {
      const off = connection.onUp(() => {
        off();
        resolve();
      });
    });
  }
  return connection;
}

/** From now on every write command fails with OOM, while the connection stays up (reads still answer). */
async function refuseWrites(connection: RedisConnection): Promise<void> {
  await connection.commands.config('SET', 'maxmemory-policy', 'noeviction');
  await connection.commands.config('SET', 'maxmemory', '1');
}

async function acceptWrites(connection: RedisConnection): Promise<void> {
  await connection.commands.config('SET', 'maxmemory', '0');
}

/** Records when each failed write was reported; `next(count)` resolves once `count` have been. */
function failureClock() {
  const reportedAtInMs: number[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  return {
    reportedAtInMs,
    onError() {
      reportedAtInMs.push(performance.now());
      for (const waiter of waiting.splice(0)) {
        if (reportedAtInMs.length >= waiter.count) waiter.resolve();
        else waiting.push(waiter);
      }
    },
    reached(count: number): Promise<void> {
      if (reportedAtInMs.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiting.push({ count, resolve }));
    },
  };
}

/**
 * With a 10 ms flush delay, four retries without back-off take about 40 ms; with it, 20 + 40 + 80 + 160 = 300 ms
 * (timers never fire early, so the lower bound is firm; 250 leaves room for a timer's rounding).
 */
const backedOffInMs = 250;

describe.skipIf(!hasRedis)('retrying writes Redis refuses', () => {
  it('a replicated hash backs off exponentially, and after a written batch starts again from the flush delay', async () => {
    const connection = await connectToOwnRedis();
    const failures = failureClock();
    const hash = createReplicatedHash({
      connection,
      name: 'backoff',
      onApply: () => {},
      now: Date.now,
      flushDelayInMs: 10,
      onError: failures.onError,
    });
    cleanups.push(async () => hash.close());
    await hash.flush();
    await refuseWrites(connection);
    hash.put('field', null, 'refused');
    await failures.reached(5);
    const [first, , , , fifth] = failures.reportedAtInMs as [number, number, number, number, number];
    expect(fifth - first).toBeGreaterThanOrEqual(backedOffInMs);

    await acceptWrites(connection);
    await hash.flush();
    expect(await connection.commands.hget(connection.key('backoff'), 'field')).toContain('refused');
    // That the delay starts again from the flush delay after a written batch is `_write-back-off.test.ts`'s: an upper
    // bound on real timers here would be a timed assertion.
  });

  it('an affinity store backs off exponentially', async () => {
    const connection = await connectToOwnRedis();
    const failures = failureClock();
    const store = createRedisAffinityStore({ connection, flushDelayInMs: 10, onError: failures.onError });
    cleanups.push(() => store.close());
    await store.flush();
    await refuseWrites(connection);
    store.set('session', 'provider-a');
    await failures.reached(5);
    const [first, , , , fifth] = failures.reportedAtInMs as [number, number, number, number, number];
    expect(fifth - first).toBeGreaterThanOrEqual(backedOffInMs);
    await acceptWrites(connection);
    await store.flush();
    expect(await connection.commands.exists(connection.key('affinity:session'))).toBe(1);
  });
});
