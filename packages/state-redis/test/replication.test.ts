import { createHealthRecord } from '@ccb/router';
import { ownRedisSkipReason, redisForTests, redisSkipReason, type TestRedis } from '@ccb/test-engines';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRedisAffinityStore,
  createRedisConnection,
  createRedisHealthStore,
  createRedisOverrideStore,
  type RedisConnection,
  type VerdictGroup,
} from '../src/index.js';

const hasRedis = redisSkipReason() === undefined;
const noRedisReason = `skipped: ${redisSkipReason()}`;

if (!hasRedis) console.log(noRedisReason);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function redis(): Promise<TestRedis> {
  const server = await redisForTests();
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

/** Resolves with the next remote verdict `store` applies for `provider` and `group`. */
function verdictWaiter() {
  const waiting: { provider: string; group: VerdictGroup; resolve: () => void }[] = [];
  return {
    onRemoteVerdict(provider: string, group: VerdictGroup) {
      for (const waiter of waiting.splice(0)) {
        if (waiter.provider === provider && waiter.group === group) waiter.resolve();
        else waiting.push(waiter);
      }
    },
    next(provider: string, group: VerdictGroup): Promise<void> {
      return new Promise((resolve) => waiting.push({ provider, group, resolve }));
    },
  };
}

describe.skipIf(!hasRedis)('shared health verdicts', () => {
  it('honours on one instance a cool-down another learned, within a second', async () => {
    const server = await redis();
    const [left, right] = [connect(server), connect(server)];
    const arrivals = verdictWaiter();
    const leftStore = createRedisHealthStore({ connection: left, createRecord: createHealthRecord });
    const rightStore = createRedisHealthStore({
      connection: right,
      createRecord: createHealthRecord,
      onRemoteVerdict: arrivals.onRemoteVerdict,
    });
    await Promise.all([whenUp(left), whenUp(right)]);
    const startedAt = Date.now();
    const record = createHealthRecord();
    record.rateLimitedUntil = startedAt + 60_000;
    record.rateLimitClass = 'rate_limit';
    record.consecutiveFailures = 3;
    const arrived = arrivals.next('anthropic', 'cooldown');
    leftStore.set('anthropic', record);
    await arrived;
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    const seen = rightStore.get('anthropic');
    expect(seen?.rateLimitedUntil).toBe(startedAt + 60_000);
    expect(seen?.rateLimitClass).toBe('rate_limit');
    // Failure counters are each instance's own.
    expect(seen?.consecutiveFailures).toBe(0);
  });

  it('propagates an open circuit, and its close after recovery', async () => {
    const server = await redis();
    const [left, right] = [connect(server), connect(server)];
    const arrivals = verdictWaiter();
    const leftStore = createRedisHealthStore({ connection: left, createRecord: createHealthRecord });
    const rightStore = createRedisHealthStore({
      connection: right,
      createRecord: createHealthRecord,
      onRemoteVerdict: arrivals.onRemoteVerdict,
    });
    await Promise.all([whenUp(left), whenUp(right)]);
    const record = createHealthRecord();
    Object.assign(record, {
      circuit: 'open',
      openUntil: Date.now() + 30_000,
      openReason: 'auth',
      cooldownInMs: 30_000,
    });
    let arrived = arrivals.next('p', 'circuit');
    leftStore.set('p', record);
    await arrived;
    expect(rightStore.get('p')).toMatchObject({ circuit: 'open', openReason: 'auth', cooldownInMs: 30_000 });

    // The right instance goes half-open by itself: that is not news, and the left one stays open.
    const right1 = rightStore.get('p') as ReturnType<typeof createHealthRecord>;
    Object.assign(right1, { circuit: 'half-open', openUntil: null });
    rightStore.set('p', right1);
    await rightStore.flush();
    expect(leftStore.get('p')?.circuit).toBe('open');

    Object.assign(record, { circuit: 'closed', openUntil: null, openReason: null, cooldownInMs: 0 });
    arrived = arrivals.next('p', 'circuit');
    leftStore.set('p', record);
    await arrived;
    expect(rightStore.get('p')).toMatchObject({ circuit: 'closed', openUntil: null, consecutiveFailures: 0 });
  });

  it('keeps the longer bench when a shorter one is stamped while it runs', async () => {
    const server = await redis();
    const [left, right] = [connect(server), connect(server)];
    const arrivals = verdictWaiter();
    const leftStore = createRedisHealthStore({
      connection: left,
      createRecord: createHealthRecord,
      onRemoteVerdict: arrivals.onRemoteVerdict,
    });
    const rightStore = createRedisHealthStore({ connection: right, createRecord: createHealthRecord });
    await Promise.all([whenUp(left), whenUp(right)]);
    const long = createHealthRecord();
    Object.assign(long, { rateLimitedUntil: Date.now() + 600_000, rateLimitClass: 'spend_limit' });
    leftStore.set('p', long);
    await leftStore.flush();
    const short = createHealthRecord();
    Object.assign(short, { rateLimitedUntil: Date.now() + 5_000, rateLimitClass: 'rate_limit' });
    rightStore.set('p', short);
    // The script refuses the shorter period and hands the right instance the longer one.
    await rightStore.flush();
    expect(rightStore.get('p')).toMatchObject({ rateLimitClass: 'spend_limit' });
    expect(leftStore.get('p')).toMatchObject({ rateLimitClass: 'spend_limit' });
  });

  it('loads the shared verdicts when an instance connects late', async () => {
    const server = await redis();
    const left = connect(server);
    const leftStore = createRedisHealthStore({ connection: left, createRecord: createHealthRecord });
    await whenUp(left);
    const record = createHealthRecord();
    Object.assign(record, {
      unified: { status: 'allowed_warning', resetAt: null, windows: {} },
      deprioritizedUntil: Date.now() + 60_000,
      deprioritizedReason: 'unified-warning',
    });
    leftStore.set('p', record);
    await leftStore.flush();
    const right = connect(server);
    const arrivals = verdictWaiter();
    const arrived = arrivals.next('p', 'readings');
    const rightStore = createRedisHealthStore({
      connection: right,
      createRecord: createHealthRecord,
      onRemoteVerdict: arrivals.onRemoteVerdict,
    });
    await arrived;
    expect(rightStore.get('p')).toMatchObject({
      deprioritizedReason: 'unified-warning',
      unified: { status: 'allowed_warning', resetAt: null, windows: {} },
    });
  });
});

describe.skipIf(!hasRedis)('shared rate-limit readings', () => {
  it('shares new numbers at most once per interval, the latest at its end', async () => {
    const server = await redis();
    const [left, right] = [connect(server), connect(server)];
    const arrivals = verdictWaiter();
    const leftStore = createRedisHealthStore({
      connection: left,
      createRecord: createHealthRecord,
      readingsIntervalInMs: 200,
    });
    const rightStore = createRedisHealthStore({
      connection: right,
      createRecord: createHealthRecord,
      onRemoteVerdict: arrivals.onRemoteVerdict,
    });
    await Promise.all([whenUp(left), whenUp(right)]);
    const record = createHealthRecord();
    const reading = (remaining: number) => ({
      requests: { limit: 100, remaining, resetAt: null },
      tokens: null,
      inputTokens: null,
      outputTokens: null,
    });
    record.budget = reading(90);
    let arrived = arrivals.next('p', 'readings');
    leftStore.set('p', record);
    await arrived;
    const firstAt = Date.now();
    arrived = arrivals.next('p', 'readings');
    record.budget = reading(80);
    leftStore.set('p', record);
    record.budget = reading(70);
    leftStore.set('p', record);
    await arrived;
    // Held until the interval ended, then the latest numbers only.
    expect(Date.now() - firstAt).toBeGreaterThanOrEqual(150);
    expect(rightStore.get('p')?.budget).toEqual(reading(70));
  });

  it('shares a change of de-prioritization at once', async () => {
    const server = await redis();
    const [left, right] = [connect(server), connect(server)];
    const arrivals = verdictWaiter();
    const leftStore = createRedisHealthStore({
      connection: left,
      createRecord: createHealthRecord,
      readingsIntervalInMs: 60_000,
    });
    const rightStore = createRedisHealthStore({
      connection: right,
      createRecord: createHealthRecord,
      onRemoteVerdict: arrivals.onRemoteVerdict,
    });
    await Promise.all([whenUp(left), whenUp(right)]);
    const record = createHealthRecord();
    record.unified = { status: 'allowed', resetAt: null, windows: {} };
    let arrived = arrivals.next('p', 'readings');
    leftStore.set('p', record);
    await arrived;
    arrived = arrivals.next('p', 'readings');
    Object.assign(record, {
      unified: { status: 'allowed_warning', resetAt: null, windows: {} },
      deprioritizedUntil: Date.now() + 60_000,
      deprioritizedReason: 'unified-warning',
    });
    leftStore.set('p', record);
    await arrived;
    expect(rightStore.get('p')?.deprioritizedReason).toBe('unified-warning');
  });
});

describe.skipIf(!hasRedis)('shared session affinity', () => {
  it('lets a peer see a binding, with its expiry', async () => {
    const server = await redis();
    const [left, right] = [connect(server), connect(server)];
    const leftStore = createRedisAffinityStore({ connection: left, ttlInMs: 60_000 });
    const rightStore = createRedisAffinityStore({ connection: right, ttlInMs: 60_000 });
    await Promise.all([whenUp(left), whenUp(right)]);
    leftStore.set('session-1\u0000claude-sonnet-4-5', 'bedrock');
    await leftStore.flush();
    // Published after the write; one more round trip on the right connection orders us after its delivery.
    await right.commands.ping();
    await waitFor(() => rightStore.get('session-1\u0000claude-sonnet-4-5') === 'bedrock');
    expect(rightStore.size()).toBe(1);
    const ttl = await left.commands.pttl(`${server.keyPrefix}affinity:session-1\u0000claude-sonnet-4-5`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('moves a session everywhere when one instance binds it elsewhere', async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const server = await redis();
    const [left, right] = [connect(server), connect(server)];
    const leftStore = createRedisAffinityStore({ connection: left, now });
    const rightStore = createRedisAffinityStore({ connection: right, now });
    await Promise.all([whenUp(left), whenUp(right)]);
    leftStore.set('s', 'a');
    await leftStore.flush();
    await waitFor(() => rightStore.get('s') === 'a');
    clock += 1_000;
    rightStore.set('s', 'b');
    await rightStore.flush();
    await waitFor(() => leftStore.get('s') === 'b');
  });
});

describe.skipIf(!hasRedis)('shared admin overrides', () => {
  it('applies an override set on one instance on the other, and its lifting', async () => {
    const server = await redis();
    const [left, right] = [connect(server), connect(server)];
    const changes: [string, unknown][] = [];
    let notify = () => {};
    const leftStore = createRedisOverrideStore<{ enabled?: boolean }>({
      connection: left,
      onRemoteChange: () => {},
    });
    const rightStore = createRedisOverrideStore<{ enabled?: boolean }>({
      connection: right,
      onRemoteChange: (provider, value) => {
        changes.push([provider, value]);
        notify();
      },
    });
    await Promise.all([whenUp(left), whenUp(right)]);
    let changed = new Promise<void>((resolve) => (notify = resolve));
    leftStore.set('p', { enabled: false });
    await changed;
    expect(rightStore.get('p')).toEqual({ enabled: false });
    changed = new Promise<void>((resolve) => (notify = resolve));
    leftStore.set('p', undefined);
    await changed;
    expect(changes).toEqual([
      ['p', { enabled: false }],
      ['p', undefined],
    ]);
  });
});

describe.skipIf(ownRedisSkipReason() !== undefined)('Redis down and back', () => {
  it('keeps both instances serving on local state, then converges without a restart', async () => {
    const server = await redisForTests({ mustOwn: true });
    cleanups.push(() => server.stop());
    const [left, right] = [connect(server), connect(server)];
    const arrivals = verdictWaiter();
    const leftHealth = createRedisHealthStore({ connection: left, createRecord: createHealthRecord });
    const rightHealth = createRedisHealthStore({
      connection: right,
      createRecord: createHealthRecord,
      onRemoteVerdict: arrivals.onRemoteVerdict,
    });
    const leftAffinity = createRedisAffinityStore({ connection: left });
    const rightAffinity = createRedisAffinityStore({ connection: right });
    await Promise.all([whenUp(left), whenUp(right)]);

    const downs = Promise.all(
      [left, right].map((connection) => new Promise<string | null>((resolve) => connection.onDown(resolve))),
    );
    await server.kill();
    const errors = await downs;
    expect(left.status().up).toBe(false);
    expect(right.status().up).toBe(false);
    expect(errors.join(' ')).not.toContain(server.url.replace('redis://', ''));

    // Both serve on their own state while Redis is away.
    const record = createHealthRecord();
    Object.assign(record, { rateLimitedUntil: Date.now() + 60_000, rateLimitClass: 'overloaded' });
    leftHealth.set('p', record);
    expect(leftHealth.get('p')?.rateLimitClass).toBe('overloaded');
    rightAffinity.set('s', 'b');
    expect(rightAffinity.get('s')).toBe('b');
    expect(left.writeFailures()).toBeGreaterThan(0);
    expect(right.writeFailures()).toBeGreaterThan(0);

    const ups = Promise.all([whenUp(left), whenUp(right)]);
    const arrived = arrivals.next('p', 'cooldown');
    await server.restart();
    await ups;
    await arrived;
    expect(rightHealth.get('p')?.rateLimitClass).toBe('overloaded');
    await rightAffinity.flush();
    await left.commands.ping();
    await waitFor(() => leftAffinity.get('s') === 'b');
  });
});

/** Polls `check` once per event-loop turn after a Redis round trip; bounded at 2 s. */
async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
