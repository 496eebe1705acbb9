import { ownRedisSkipReason, redisForTests, redisSkipReason, type TestRedis } from '@ccb/test-engines';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRedisBudgetStore,
  createRedisConnection,
  type RedisBudgetHold,
  type RedisBudgetReserveResult,
  type RedisBudgetStore,
  type RedisConnection,
  type StateStoreError,
} from '../src/index.js';

const hasRedis = redisSkipReason() === undefined;
const noRedisReason = `skipped: ${redisSkipReason()}`;

if (!hasRedis) console.log(noRedisReason);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function redis(mustOwn = false): Promise<TestRedis> {
  const server = await redisForTests({ mustOwn });
  cleanups.push(() => server.stop());
  return server;
}

function connect(server: TestRedis): RedisConnection {
  const connection = createRedisConnection({
    url: server.url,
    keyPrefix: server.keyPrefix,
    maxReconnectDelayInMs: 100,
  });
  cleanups.push(() => connection.close());
  return connection;
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

/** Resolves once `count` clients listen on the prefixed `channel` (bounded: 5 s). */
async function subscribers(connection: RedisConnection, channel: string, count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const reply = (await connection.commands.call('PUBSUB', 'NUMSUB', connection.key(channel))) as unknown[];
    if (Number(reply[1]) >= count) return;
    if (Date.now() > deadline) throw new Error(`fewer than ${count} subscribers on ${channel}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function store(
  connection: RedisConnection,
  extra: Partial<Parameters<typeof createRedisBudgetStore>[0]> = {},
) {
  const created = createRedisBudgetStore({ connection, reserveTimeoutInMs: 5_000, ...extra });
  cleanups.push(() => created.close());
  return created;
}

// Today: Redis expires the keys of a window once it is over, by its own clock.
const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400_000;
const dayEnd = dayStart + 86_400_000;
const now = dayStart + 3_600_000;

function hold(costUsd: number, limitUsd: number | undefined, counter = 'key:k:day'): RedisBudgetHold {
  return { counter, windowStartInMs: dayStart, windowEndInMs: dayEnd, costUsd, tokens: 10, limitUsd };
}

let sequence = 0;
async function reserve(budgets: RedisBudgetStore, holds: RedisBudgetHold[], expiresAtInMs = now + 60_000) {
  return await budgets.reserve({ id: `r${sequence++}`, holds, nowInMs: now, expiresAtInMs });
}

describe.skipIf(!hasRedis)('createRedisBudgetStore', () => {
  it('stops 20 concurrent reservations through two instances within one request of the cap', async () => {
    const server = await redis();
    const [left, right] = [connect(server), connect(server)];
    await Promise.all([whenUp(left), whenUp(right)]);
    const stores = [store(left), store(right)];
    const requestCostUsd = 0.15;
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) => {
        const id = `c${index}`;
        const budgets = stores[index % 2] as RedisBudgetStore;
        return Promise.resolve(
          budgets.reserve({
            id,
            holds: [hold(requestCostUsd, 1)],
            nowInMs: now,
            expiresAtInMs: now + 60_000,
          }),
        ).then((outcome) => ({ outcome, budgets, id }));
      }),
    );
    const served = outcomes.filter(({ outcome }) => outcome.granted);
    expect(served).toHaveLength(7);
    for (const { budgets, id } of served) {
      budgets.settle({ id, holds: [hold(requestCostUsd, 1)], spend: [hold(requestCostUsd, undefined)] });
    }
    await Promise.all(stores.map((budgets) => budgets.flush()));
    const totals = await left.commands.hgetall(left.key(`budget:key:k:day:${dayStart}`));
    expect(Number(totals.usd)).toBeCloseTo(7 * requestCostUsd);
    expect(Number(totals.usd)).toBeLessThan(1 + requestCostUsd);
    expect(Number(totals.rusd)).toBeCloseTo(0);
    expect(stores.map((budgets) => budgets.localDecisions())).toEqual([0, 0]);
  });

  it("takes all holds or none, and shows another instance's spend in this replica without a round trip", async () => {
    const server = await redis();
    const [left, right] = [connect(server), connect(server)];
    await Promise.all([whenUp(left), whenUp(right)]);
    let heard: () => void = () => {};
    const remoteChange = new Promise<void>((resolve) => {
      heard = resolve;
    });
    const leftStore = store(left);
    const rightStore = store(right, { onRemoteChange: () => heard() });
    // A store subscribes as it is created, without waiting: publish only once both are listening.
    await subscribers(left, 'budget', 2);
    leftStore.settle({ id: undefined, holds: [], spend: [hold(2, undefined, 'provider:p:day')] });
    await remoteChange;
    expect(rightStore.read('provider:p:day', dayStart)).toMatchObject({ costUsd: 2, tokens: 10 });
    const refused = await reserve(rightStore, [hold(1, 10), hold(1, 2, 'provider:p:day')]);
    expect(refused).toEqual({ granted: false, refusedHold: 1 });
    expect(rightStore.read('key:k:day', dayStart)).toMatchObject({ reservedCostUsd: 0 });
  });

  it('raises spend to what a ledger holds, never lowering it, once however many instances send it', async () => {
    const server = await redis();
    const [left, right] = [connect(server), connect(server)];
    await Promise.all([whenUp(left), whenUp(right)]);
    const leftStore = store(left);
    const rightStore = store(right);
    const hash = left.key(`budget:key:k:day:${dayStart}`);
    // An empty Redis (restarted): both instances restore the same ledger spend; it counts once, not twice.
    await Promise.all([leftStore.raiseTo([hold(3, undefined)]), rightStore.raiseTo([hold(3, undefined)])]);
    expect(await left.commands.hgetall(hash)).toMatchObject({ usd: '3', tokens: '10' });
    expect(rightStore.read('key:k:day', dayStart)).toMatchObject({ costUsd: 3, tokens: 10 });
    // Spend since then is kept: a ledger that lags Redis lowers nothing.
    leftStore.settle({ id: undefined, holds: [], spend: [hold(1, undefined)] });
    await leftStore.flush();
    await rightStore.raiseTo([{ ...hold(3.5, undefined), tokens: 5 }]);
    const totals = await left.commands.hgetall(hash);
    expect(Number(totals.usd)).toBeCloseTo(4);
    expect(Number(totals.tokens)).toBe(20);
    // A reservation against the cap sees the restored spend.
    expect(await reserve(rightStore, [hold(0.1, 4)])).toEqual({ granted: false, refusedHold: 0 });
  });

  it('counts its own reservations as reserved while Redis has not answered them yet', async () => {
    const server = await redis();
    const connection = connect(server);
    await whenUp(connection);
    const budgets = store(connection);
    const pending = budgets.reserve({
      id: 'p1',
      holds: [hold(0.7, 1)],
      nowInMs: now,
      expiresAtInMs: now + 60_000,
    });
    expect(pending).toBeInstanceOf(Promise);
    expect(budgets.read('key:k:day', dayStart)).toMatchObject({ reservedCostUsd: 0.7 });
    expect(await pending).toEqual({ granted: true });
    expect(budgets.read('key:k:day', dayStart)).toMatchObject({ reservedCostUsd: 0.7 });
    budgets.settle({ id: 'p1', holds: [hold(0.7, 1)], spend: [] });
    expect(budgets.read('key:k:day', dayStart)).toMatchObject({ reservedCostUsd: 0 });
  });

  it('lets a reservation that is never settled expire, so a crashed instance cannot hold the budget', async () => {
    const server = await redis();
    const connection = connect(server);
    await whenUp(connection);
    const budgets = store(connection);
    expect(await reserve(budgets, [hold(1, 1)], now + 1)).toEqual({ granted: true });
    expect(
      await budgets.reserve({ id: 'late', holds: [hold(1, 1)], nowInMs: now, expiresAtInMs: now + 2 }),
    ).toEqual({ granted: false, refusedHold: 0 });
    const later: RedisBudgetReserveResult = await budgets.reserve({
      id: 'later',
      holds: [hold(0.5, 1)],
      nowInMs: now + 1,
      expiresAtInMs: now + 60_000,
    });
    expect(later).toEqual({ granted: true });
    expect(budgets.read('key:k:day', dayStart)).toMatchObject({ reservedCostUsd: 0.5 });
  });

  it('decides on its replica when Redis is slower than reserveTimeoutInMs, and the late release still arrives', async () => {
    const server = await redis();
    const [connection, admin] = [connect(server), connect(server)];
    await Promise.all([whenUp(connection), whenUp(admin)]);
    const errors: StateStoreError[] = [];
    const budgets = store(connection, { reserveTimeoutInMs: 50, onError: (error) => errors.push(error) });
    // Every client's commands wait for 300 ms: Redis is up, but slow.
    await admin.commands.call('CLIENT', 'PAUSE', '300', 'ALL');
    const outcome = await reserve(budgets, [hold(0.4, 1)]);
    expect(outcome).toEqual({ granted: true });
    expect(budgets.localDecisions()).toBe(1);
    expect(errors.map((error) => error.message)).toEqual([expect.stringMatching(/no answer within 50 ms/)]);
    budgets.settle({ id: `r${sequence - 1}`, holds: [hold(0.4, 1)], spend: [hold(0.3, undefined)] });
    await budgets.flush();
    const totals = await admin.commands.hgetall(admin.key(`budget:key:k:day:${dayStart}`));
    // The script ran late and reserved; the settlement released it and counted the spend.
    expect(Number(totals.usd)).toBeCloseTo(0.3);
    expect(Number(totals.rusd)).toBeCloseTo(0);
  });

  it.skipIf(ownRedisSkipReason() !== undefined)(
    'tells its listener when counters may be lost (first contact, a restart) and not on a mere reconnect',
    async () => {
      const server = await redis(true);
      const [connection, admin] = [connect(server), connect(server)];
      await Promise.all([whenUp(connection), whenUp(admin)]);
      const budgets = store(connection);
      let calls = 0;
      budgets.onCountersMayBeLost(() => {
        calls += 1;
      });
      await budgets.flush();
      expect(calls).toBe(1);
      // A reconnect to the same Redis: spend counted while away is replayed, nothing was lost.
      const id = await connection.commands.client('ID');
      let down = whenDown(connection);
      await admin.commands.client('KILL', 'ID', String(id));
      await down;
      budgets.settle({ id: undefined, holds: [], spend: [hold(0.25, undefined)] });
      let up = whenUp(connection);
      await up;
      await budgets.flush();
      expect(calls).toBe(1);
      const hash = connection.key(`budget:key:k:day:${dayStart}`);
      expect(Number(await admin.commands.hget(hash, 'usd'))).toBeCloseTo(0.25);
      // A restart: the listener refills from its ledger, so what was counted while Redis was away is not replayed.
      down = whenDown(connection);
      await server.kill();
      await down;
      budgets.settle({ id: undefined, holds: [], spend: [hold(0.5, undefined)] });
      up = whenUp(connection);
      await server.restart();
      await up;
      await budgets.flush();
      expect(calls).toBe(2);
      expect(await connection.commands.exists(hash)).toBe(0);
    },
  );

  it.skipIf(ownRedisSkipReason() !== undefined)(
    'decides on its replica while Redis is down, says so once, and writes the spend when Redis is back',
    async () => {
      const server = await redis(true);
      const connection = connect(server);
      await whenUp(connection);
      const errors: StateStoreError[] = [];
      const budgets = store(connection, { onError: (error) => errors.push(error) });
      budgets.settle({ id: undefined, holds: [], spend: [hold(0.5, undefined)] });
      await budgets.flush();
      const down = whenDown(connection);
      await server.kill();
      await down;
      // Down: answered at once, from the replica, and spend counts locally.
      const outcome = budgets.reserve({
        id: 'offline',
        holds: [hold(0.4, 1)],
        nowInMs: now,
        expiresAtInMs: now + 60_000,
      });
      expect(outcome).toEqual({ granted: true });
      budgets.settle({ id: 'offline', holds: [hold(0.4, 1)], spend: [hold(0.6, undefined)] });
      expect(budgets.read('key:k:day', dayStart)).toMatchObject({ costUsd: 1.1, reservedCostUsd: 0 });
      expect(
        budgets.reserve({ id: 'refused', holds: [hold(0.1, 1)], nowInMs: now, expiresAtInMs: now + 1 }),
      ).toEqual({
        granted: false,
        refusedHold: 0,
      });
      expect(budgets.localDecisions()).toBe(2);

      const up = whenUp(connection);
      await server.restart();
      await up;
      await budgets.flush();
      const totals = await connection.commands.hgetall(connection.key(`budget:key:k:day:${dayStart}`));
      // The restarted Redis is empty: what was spent while it was away arrives, nothing is counted twice.
      expect(Number(totals.usd)).toBeCloseTo(0.6);
      expect(errors.map((error) => error.code)).toEqual(['CCB_STATE_WRITE_FAILED']);
    },
  );
});
