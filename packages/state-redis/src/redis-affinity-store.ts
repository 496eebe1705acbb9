import type { Redis } from 'ioredis';
import { bindingSupersedes, bindScript, decodeBinding, type SharedBinding } from './_affinity-script.js';
import { createWriteBehind } from './_write-behind.js';
import type { RedisConnection } from './redis-connection.js';
import { StateStoreError } from './state-store-error.js';

/** Options of {@link createRedisAffinityStore}. */
export interface RedisAffinityStoreOptions {
  readonly connection: RedisConnection;
  /** How long a binding outlives its last use, in ms. Default `3_600_000` (1 h, the longest prompt-cache TTL). */
  readonly ttlInMs?: number;
  /** Most bindings kept in memory and loaded on connect; the least recently used goes first. Default `10_000`. */
  readonly maxSessions?: number;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** How long a change waits for others to share its batch, in ms. Default `10`. */
  readonly flushDelayInMs?: number;
  /** A failed write or load; the replica keeps serving. */
  readonly onError?: (error: StateStoreError) => void;
}

/**
 * A session-affinity store (the router's `AffinityStore` with the `setLimits`/`forgetProvider` extras,
 * structurally) shared through Redis: each binding is a key `<prefix>affinity:<session key>` with Redis's expiry,
 * and the local LRU map answers every `get`. A bind, and a use that pushes the expiry out by more than a slack
 * (`min(ttl / 64, 60 s)`, so a busy session costs one write per slack, not per request), are written in batches
 * and published; peers take the later binding.
 */
export interface RedisAffinityStore {
  get(key: string): string | undefined;
  set(key: string, provider: string): void;
  /** Forgets the binding here and in Redis (not published: peers keep theirs until it expires or moves). */
  delete(key: string): void;
  size(): number;
  setLimits(ttlInMs: number, maxSessions: number): void;
  /** Drops this instance's bindings to `provider` (a provider no longer configured). */
  forgetProvider(provider: string): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface BindCapable extends Redis {
  ccbBind(...args: string[]): Promise<string | null>;
}

const scanBatch = 500;

/**
 * Creates the store; it loads up to `maxSessions` live bindings whenever the connection comes up.
 * @throws {StateStoreError} `CCB_STATE_INVALID_OPTIONS` for a non-positive `ttlInMs` or `maxSessions`.
 */
export function createRedisAffinityStore(options: RedisAffinityStoreOptions): RedisAffinityStore {
  const { connection } = options;
  const now = options.now ?? Date.now;
  let ttlInMs = options.ttlInMs ?? 3_600_000;
  let maxSessions = options.maxSessions ?? 10_000;
  validate(ttlInMs, maxSessions);
  let slackInMs = Math.min(ttlInMs / 64, 60_000);
  const prefix = connection.key('affinity:');
  // Least recently used first.
  const bindings = new Map<string, SharedBinding>();
  const commands = connection.commands as BindCapable;
  if (typeof commands.ccbBind !== 'function') {
    commands.defineCommand('ccbBind', { numberOfKeys: 1, lua: bindScript });
  }
  const writes = createWriteBehind<SharedBinding>({
    connection,
    flushDelayInMs: options.flushDelayInMs ?? 10,
    current: (key) => bindings.get(key),
    send(pipeline, key, binding) {
      const nowInMs = now();
      if (binding.expiresAt <= nowInMs) return false;
      void (pipeline as unknown as BindCapable).ccbBind(
        `${prefix}${key}`,
        String(binding.boundAt),
        String(binding.expiresAt),
        binding.provider,
        String(binding.expiresAt - nowInMs),
        connection.key('affinity'),
        connection.instanceId,
        key,
      );
      return true;
    },
    adopt: (key, reply) => adopt(key, reply, true),
    describe: 'writing session bindings',
    onError: options.onError,
  });

  function touch(key: string, binding: SharedBinding): void {
    bindings.delete(key);
    bindings.set(key, binding);
  }

  function remember(key: string, binding: SharedBinding): void {
    touch(key, binding);
    while (bindings.size > maxSessions) {
      const leastRecent = bindings.keys().next();
      if (leastRecent.done === true) break;
      bindings.delete(leastRecent.value);
      writes.unmark(leastRecent.value);
    }
  }

  function queue(key: string): void {
    if (writes.pending.size >= maxSessions && !writes.pending.has(key)) {
      // Redis has been away long: the oldest pending write goes, counted.
      const oldest = writes.pending.values().next();
      if (oldest.done !== true) writes.unmark(oldest.value);
      connection.countWriteFailures(1);
    }
    writes.mark(key);
  }

  /** Takes a peer's binding when it wins; `force` for the one Redis kept over a local write. */
  function adopt(key: string, text: string, force = false): void {
    const incoming = decodeBinding(text);
    if (incoming === undefined || incoming.expiresAt <= now()) return;
    if (!force && !bindingSupersedes(bindings.get(key), incoming)) return;
    writes.unmark(key);
    remember(key, incoming);
  }

  async function load(): Promise<void> {
    try {
      let cursor = '0';
      let loaded = 0;
      // Bounded: SCAN ends when the cursor comes back to 0, and we stop at maxSessions bindings.
      do {
        const [next, keys] = await connection.commands.scan(
          cursor,
          'MATCH',
          `${escapeGlob(prefix)}*`,
          'COUNT',
          scanBatch,
        );
        cursor = next;
        if (keys.length > 0) {
          const values = await connection.commands.mget(...keys);
          keys.forEach((redisKey, index) => {
            const value = values[index];
            if (typeof value === 'string') adopt(redisKey.slice(prefix.length), value);
          });
          loaded += keys.length;
        }
      } while (cursor !== '0' && loaded < maxSessions);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      options.onError?.(
        new StateStoreError('CCB_STATE_LOAD_FAILED', `loading session bindings failed: ${message}`, {
          cause: error,
        }),
      );
    }
    await writes.flush();
  }

  connection.subscribe('affinity', (message) => {
    let parsed: { o?: unknown; k?: unknown; v?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.o === connection.instanceId) return;
    if (typeof parsed.k === 'string' && typeof parsed.v === 'string') adopt(parsed.k, parsed.v);
  });
  const offUp = connection.onUp(() => void load());
  if (connection.status().up) void load();

  return {
    get(key) {
      const binding = bindings.get(key);
      if (binding === undefined) return undefined;
      const nowInMs = now();
      if (binding.expiresAt <= nowInMs) {
        bindings.delete(key);
        return undefined;
      }
      if (binding.expiresAt - nowInMs < ttlInMs - slackInMs) {
        const used = { ...binding, expiresAt: nowInMs + ttlInMs };
        touch(key, used);
        queue(key);
      }
      return binding.provider;
    },
    set(key, provider) {
      const nowInMs = now();
      const binding = bindings.get(key);
      if (
        binding !== undefined &&
        binding.provider === provider &&
        binding.expiresAt - nowInMs >= ttlInMs - slackInMs
      ) {
        return;
      }
      const boundAt =
        binding !== undefined && binding.provider === provider
          ? binding.boundAt
          : Math.max(nowInMs, (binding?.boundAt ?? 0) + 1);
      remember(key, { provider, boundAt, expiresAt: nowInMs + ttlInMs });
      queue(key);
    },
    delete(key) {
      bindings.delete(key);
      writes.unmark(key);
      if (connection.status().up) connection.commands.del(`${prefix}${key}`).catch(() => {});
    },
    size() {
      const nowInMs = now();
      let live = 0;
      for (const binding of bindings.values()) if (binding.expiresAt > nowInMs) live += 1;
      return live;
    },
    setLimits(nextTtlInMs, nextMaxSessions) {
      validate(nextTtlInMs, nextMaxSessions);
      const latest = now() + nextTtlInMs;
      if (nextTtlInMs < ttlInMs) {
        for (const [key, binding] of bindings) {
          if (binding.expiresAt > latest) bindings.set(key, { ...binding, expiresAt: latest });
        }
      }
      ttlInMs = nextTtlInMs;
      maxSessions = nextMaxSessions;
      slackInMs = Math.min(ttlInMs / 64, 60_000);
      while (bindings.size > maxSessions) {
        const leastRecent = bindings.keys().next();
        if (leastRecent.done === true) break;
        bindings.delete(leastRecent.value);
      }
    },
    forgetProvider(provider) {
      for (const [key, binding] of bindings) if (binding.provider === provider) bindings.delete(key);
    },
    flush: writes.flush,
    async close() {
      await writes.flush();
      offUp();
      writes.close();
    },
  };
}

function validate(ttlInMs: number, maxSessions: number): void {
  if (typeof ttlInMs !== 'number' || Number.isNaN(ttlInMs) || ttlInMs <= 0) {
    throw new StateStoreError(
      'CCB_STATE_INVALID_OPTIONS',
      `createRedisAffinityStore: ttlInMs must be a positive number of milliseconds, got ${String(ttlInMs)}.`,
    );
  }
  if (!Number.isInteger(maxSessions) || maxSessions < 1) {
    throw new StateStoreError(
      'CCB_STATE_INVALID_OPTIONS',
      `createRedisAffinityStore: maxSessions must be a positive integer, got ${String(maxSessions)}.`,
    );
  }
}

/** A key prefix as a literal SCAN pattern. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
