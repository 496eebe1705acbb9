import { createReplicatedHash } from './_replicated-hash.js';
import type { RedisConnection } from './redis-connection.js';
import type { StateStoreError } from './state-store-error.js';

/** Options of {@link createRedisOverrideStore}. */
export interface RedisOverrideStoreOptions<Value> {
  readonly connection: RedisConnection;
  /**
   * A peer changed the override of `provider` (or a loaded one differs from what this instance has): the new
   * value, or `undefined` when it was lifted. Not called for this instance's own `set`.
   */
  readonly onRemoteChange: (provider: string, value: Value | undefined) => void;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** How long a change waits for others to share its batch, in ms. Default `10`. */
  readonly flushDelayInMs?: number;
  /** A failed write or load; the replica keeps serving. */
  readonly onError?: (error: StateStoreError) => void;
}

/**
 * Operators' runtime overrides of providers (disable, drain, weight, priority: any JSON value per provider) shared
 * through the hash `<prefix>overrides`: the latest change to a provider's override wins, everywhere.
 */
export interface RedisOverrideStore<Value> {
  /** This instance's view of `provider`'s override; `undefined` when none. */
  get(provider: string): Value | undefined;
  /** Sets (or, with `undefined`, lifts) the override of `provider` for every instance. No-op when unchanged. */
  set(provider: string, value: Value | undefined): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createRedisOverrideStore<Value>(
  options: RedisOverrideStoreOptions<Value>,
): RedisOverrideStore<Value> {
  const parse = (payload: string) => (JSON.parse(payload) ?? undefined) as Value | undefined;
  const hash = createReplicatedHash({
    connection: options.connection,
    name: 'overrides',
    now: options.now ?? Date.now,
    ...(options.flushDelayInMs !== undefined ? { flushDelayInMs: options.flushDelayInMs } : {}),
    ...(options.onError !== undefined ? { onError: options.onError } : {}),
    onApply: (provider, entry) => options.onRemoteChange(provider, parse(entry.payload)),
  });
  return {
    get(provider) {
      const entry = hash.entry(provider);
      return entry === undefined ? undefined : parse(entry.payload);
    },
    set(provider, value) {
      const payload = JSON.stringify(value ?? null);
      const known = hash.entry(provider);
      if (payload === (known?.payload ?? 'null')) return;
      hash.put(provider, null, payload);
    },
    flush: () => hash.flush(),
    async close() {
      await hash.flush();
      hash.close();
    },
  };
}
