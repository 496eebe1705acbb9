import { inspect } from 'node:util';
import { redisForTests, redisSkipReason, type TestRedis } from '@ccb/test-engines';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRedisConnection,
  createRedisTokenStore,
  type RedisConnection,
  type RedisTokenStoreOptions,
  type SharedTokenLock,
  type SharedTokens,
  type StateStoreError,
  type TokenStoreShape,
} from '../src/index.js';

const hasRedis = redisSkipReason() === undefined;
const noRedisReason = `skipped: ${redisSkipReason()}`;

if (!hasRedis) console.log(noRedisReason);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function redis(mustOwn = false): Promise<TestRedis> {
  const server = await redisForTests({ mustOwn });
  cleanups.push(() => server.stop());
  return server;
}

async function connect(server: TestRedis): Promise<RedisConnection> {
  const connection = createRedisConnection({
    url: server.url,
    keyPrefix: server.keyPrefix,
    maxReconnectDelayInMs: 50,
  });
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

function whenDown(connection: RedisConnection): Promise<void> {
  return new Promise((resolve) => {
    const off = connection.onDown(() => {
      off();
      resolve();
    });
  });
}

/** A host's token file, in memory: what it holds, and whether its lock is held. */
function localStore(initial?: SharedTokens) {
  let held = false;
  const local: { tokens: SharedTokens | undefined; locks: number; store: TokenStoreShape } = {
    tokens: initial,
    locks: 0,
    store: {
      read: async () => local.tokens,
      write: async (tokens: SharedTokens) => {
        local.tokens = tokens;
      },
      lock: async (): Promise<SharedTokenLock | undefined> => {
        if (held) return undefined;
        held = true;
        local.locks += 1;
        return {
          release: async () => {
            held = false;
          },
        };
      },
    },
  };
  return local;
}

function tokenStore(connection: RedisConnection, options: Partial<RedisTokenStoreOptions> = {}) {
  const store = createRedisTokenStore({ connection, account: 'max', ...options });
  cleanups.push(() => store.close());
  return store;
}

const lockOptions = { staleAfterInMs: 30_000, waitInMs: 5_000, now: Date.now };
const tokens = (name: string, expiresAt: number): SharedTokens => ({
  accessToken: `access-${name}`,
  refreshToken: `refresh-${name}`,
  expiresAt,
});
const hour = 3_600_000;

describe.skipIf(!hasRedis)('the shared token store', () => {
  it('is seeded by the first token file, which the other hosts then mirror', async () => {
    const server = await redis();
    const [left, right] = [await connect(server), await connect(server)];
    const leftFile = localStore(tokens('login', Date.now() + hour));
    const rightFile = localStore(tokens('stale', Date.now() - hour));
    expect(await tokenStore(left, { fallback: leftFile.store }).read()).toEqual(leftFile.tokens);
    expect(await tokenStore(right, { fallback: rightFile.store }).read()).toEqual(leftFile.tokens);
    expect(rightFile.tokens).toEqual(leftFile.tokens);
    const stored = await left.commands.get(`${server.keyPrefix}oauth:max:tokens`);
    expect(JSON.parse(stored ?? '{}')).toEqual(leftFile.tokens);
    expect(stored).not.toContain('superseded');
  });

  it('pushes a token file holding a newer login, and tells the watching peers', async () => {
    const server = await redis();
    const [left, right] = [await connect(server), await connect(server)];
    const leftFile = localStore(tokens('old', Date.now() + hour));
    const leftStore = tokenStore(left, { fallback: leftFile.store });
    const rightStore = tokenStore(right, { fallback: localStore().store });
    await leftStore.read();
    const told = new Promise<void>((resolve) => rightStore.watch?.(resolve));
    leftFile.tokens = tokens('new-login', Date.now() + 8 * hour);
    expect(await leftStore.read()).toEqual(leftFile.tokens);
    await told;
    expect(await rightStore.read()).toEqual(leftFile.tokens);
  });

  it('never pushes a token file whose refresh token Redis saw replaced, however late its expiry', async () => {
    const server = await redis();
    const [left, right] = [await connect(server), await connect(server)];
    const leftStore = tokenStore(left, { fallback: localStore(tokens('login', Date.now() + hour)).store });
    await leftStore.read();
    const refreshed = tokens('refreshed', Date.now() + 2 * hour);
    await leftStore.write(refreshed);
    // A host that missed the rotation, its clock hours ahead: its file looks newer than Redis's copy.
    const skewedFile = localStore(tokens('login', Date.now() + 5 * hour));
    expect(await tokenStore(right, { fallback: skewedFile.store }).read()).toEqual(refreshed);
    expect(skewedFile.tokens).toEqual(refreshed);
    const stored = JSON.parse((await left.commands.get(`${server.keyPrefix}oauth:max:tokens`)) ?? '{}');
    expect(stored.refreshToken).toBe('refresh-refreshed');
    expect(stored.superseded).toHaveLength(1);
  });

  it('tells every store of an account on one connection, also after one of them closed (a reload)', async () => {
    const server = await redis();
    const [left, right] = [await connect(server), await connect(server)];
    const writer = tokenStore(left);
    const [old, rebuilt] = [tokenStore(right), tokenStore(right)];
    const bothTold = Promise.all(
      [old, rebuilt].map((store) => new Promise<void>((resolve) => store.watch?.(resolve))),
    );
    await writer.write(tokens('first', Date.now() + hour));
    await bothTold;
    old.close();
    const rebuiltTold = new Promise<void>((resolve) => rebuilt.watch?.(resolve));
    await writer.write(tokens('second', Date.now() + 2 * hour));
    await rebuiltTold;
    expect(await rebuilt.read()).toMatchObject({ accessToken: 'access-second' });
  });

  it('writes a refresh whatever Redis holds, to Redis and to the token file', async () => {
    const server = await redis();
    const connection = await connect(server);
    const file = localStore(tokens('far', Date.now() + 100 * hour));
    const store = tokenStore(connection, { fallback: file.store });
    await store.read();
    const refreshed = tokens('refreshed', Date.now() + 8 * hour);
    await store.write(refreshed);
    expect(file.tokens).toEqual(refreshed);
    const stored = await connection.commands.get(`${server.keyPrefix}oauth:max:tokens`);
    expect(JSON.parse(stored ?? '{}')).toMatchObject(refreshed);
  });

  it('never writes a refresh over a login made on this host meanwhile, and offers that login to Redis', async () => {
    const server = await redis();
    const connection = await connect(server);
    const file = localStore(tokens('before', Date.now() + 8 * hour));
    const store = tokenStore(connection, { fallback: file.store });
    await store.read();
    // `ccb login` writes the token file while a refresh of the old login is on its way.
    const login = tokens('login', Date.now() + 9 * hour);
    file.tokens = login;
    await store.write(tokens('refreshed', Date.now() + 8 * hour + 1_000));
    expect(file.tokens).toEqual(login);
    expect(await store.read()).toEqual(login);
    const stored = await connection.commands.get(`${server.keyPrefix}oauth:max:tokens`);
    expect(JSON.parse(stored ?? '{}')).toMatchObject(login);
  });

  it('never carries the tokens in an error, even when Redis refuses their write with an error reply', async () => {
    const server = await redis();
    const connection = await connect(server);
    // A key of the wrong type: Redis answers the write script with an error reply, to which ioredis attaches the
    // command's arguments, the tokens among them.
    await connection.commands.hset(`${server.keyPrefix}oauth:max:tokens`, 'not', 'tokens');
    const fallbacks: unknown[] = [];
    const withFile = tokenStore(connection, {
      fallback: localStore().store,
      onFallback: (error) => fallbacks.push(error),
    });
    await withFile.write(tokens('secret-one', Date.now() + hour));
    const alone = createRedisTokenStore({ connection, account: 'max' });
    cleanups.push(() => alone.close());
    const thrown = await alone.write(tokens('secret-two', Date.now() + hour)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(fallbacks).toHaveLength(1);
    expect(thrown).toBeInstanceOf(Error);
    const shown = inspect([fallbacks, thrown], { depth: 20 });
    expect(shown).toContain('WRONGTYPE');
    expect(shown).not.toContain('secret-one');
    expect(shown).not.toContain('secret-two');
  });

  it('lets one holder at a time take the lock, and only the holder release it', async () => {
    const server = await redis();
    const [left, right] = [await connect(server), await connect(server)];
    const leftStore = tokenStore(left);
    const rightStore = tokenStore(right);
    const first = await leftStore.lock(lockOptions);
    expect(first).toBeDefined();
    expect(first?.fallback).toBeUndefined();
    expect(await rightStore.lock({ ...lockOptions, waitInMs: 0 })).toBeUndefined();
    // The first holder's lock runs out (its TTL), a second holder takes it; the first one's late release is a no-op.
    await left.commands.del(`${server.keyPrefix}oauth:max:lock`);
    const second = await rightStore.lock({ ...lockOptions, waitInMs: 0 });
    expect(second).toBeDefined();
    await first?.release();
    expect(await left.commands.exists(`${server.keyPrefix}oauth:max:lock`)).toBe(1);
    await second?.release();
    expect(await left.commands.exists(`${server.keyPrefix}oauth:max:lock`)).toBe(0);
  });

  it('wakes a waiter as soon as the holder releases, long before its next poll', async () => {
    const server = await redis();
    const [left, right] = [await connect(server), await connect(server)];
    const leftStore = tokenStore(left);
    const rightStore = tokenStore(right, { lockPollInMs: 60_000 });
    // Once a peer's change has reached it, the waiter's subscription is live.
    const subscribed = new Promise<void>((resolve) => rightStore.watch?.(resolve));
    await leftStore.write(tokens('any', Date.now() + hour));
    await subscribed;
    const holder = await leftStore.lock(lockOptions);
    const waiting = rightStore.lock({ ...lockOptions, waitInMs: 30_000 });
    // Replies come in order: once this PING answers, the waiter's first SET NX has been refused.
    await right.commands.ping();
    const startedAt = performance.now();
    await holder?.release();
    const next = await waiting;
    expect(next).toBeDefined();
    expect(performance.now() - startedAt).toBeLessThan(5_000);
    await next?.release();
  });

  it('sets the lock to expire after lockTtlInMs', async () => {
    const server = await redis();
    const connection = await connect(server);
    const lock = await tokenStore(connection, { lockTtlInMs: 40_000 }).lock(lockOptions);
    const ttl = await connection.commands.pttl(`${server.keyPrefix}oauth:max:lock`);
    expect(ttl).toBeGreaterThan(30_000);
    expect(ttl).toBeLessThanOrEqual(40_000);
    await lock?.release();
  });

  it('serves from the token file and its lock while Redis is down, says so once, and pushes the file when Redis is back', async () => {
    const server = await redis(true);
    const connection = await connect(server);
    const file = localStore(tokens('seed', Date.now() + hour));
    const fallbacks: StateStoreError[] = [];
    const store = tokenStore(connection, {
      fallback: file.store,
      onFallback: (error) => fallbacks.push(error),
    });
    await store.read();
    const down = whenDown(connection);
    await server.kill();
    await down;
    expect(await store.read()).toEqual(file.tokens);
    const lock = await store.lock(lockOptions);
    expect(lock?.fallback).toBe(true);
    expect(file.locks).toBe(1);
    const refreshed = tokens('during-outage', Date.now() + 8 * hour);
    await store.write(refreshed);
    await lock?.release();
    expect(file.tokens).toEqual(refreshed);
    expect(fallbacks.map((error) => error.code)).toEqual(['CCB_STATE_TOKEN_STORE_FALLBACK']);
    expect(JSON.stringify(fallbacks.map((error) => error.message))).not.toContain('access-');

    await server.restart();
    const key = `${server.keyPrefix}oauth:max:tokens`;
    const deadline = Date.now() + 10_000;
    let stored: string | null = null;
    while (stored === null && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const off = connection.onUp(() => {
          off();
          resolve();
        });
        if (connection.status().up) resolve();
      });
      stored = await connection.commands.get(key).catch(() => null);
      if (stored === null) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(JSON.parse(stored ?? '{}')).toMatchObject(refreshed);
  });
});
