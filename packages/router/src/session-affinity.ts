import {
  type AdjustableAffinityStore,
  type AffinityStore,
  createAdjustableAffinityStore,
  defaultAffinityTtlInMs,
  defaultMaxSessions,
  validateAffinityLimits,
} from './affinity-store.js';

/**
 * Session affinity: keep each Claude Code session on the provider whose prompt cache it warmed (a cache read
 * costs a tenth of fresh input; a hop to another provider or account writes the cache again).
 */
export interface AffinityOptions {
  /** Default `true`. */
  readonly enabled?: boolean;
  /**
   * How long a binding outlives its last use, in ms. Default `3_600_000` (1 h). With `affinityStore`, passed to its
   * `setLimits` when it has one, else ignored.
   */
  readonly ttlInMs?: number;
  /** Most bindings kept in memory (LRU). Default `10_000`. With `affinityStore`, as `ttlInMs`. */
  readonly maxSessions?: number;
}

/** Affinity counters since the router was created, for metrics. */
export interface AffinityStats {
  /** Live bindings in the store (one per session and model), or `0` when the store cannot tell. */
  readonly sessions: number;
  /** Plans whose first provider came from a binding. */
  readonly hits: number;
  /** Bindings moved to another provider (the bound one was unusable or failed, and another served). */
  readonly moves: number;
  /** Plans for a session key without a binding (a new session, or one expired or evicted). */
  readonly misses: number;
}

/** Affinity turned on, with its limits (defaults applied, validated). */
export interface AffinityLimits {
  readonly ttlInMs: number;
  readonly maxSessions: number;
}

/**
 * Applies defaults and validates; `undefined` when affinity is off.
 * @throws {RouterError} `CCB_ROUTER_INVALID_OPTIONS` for an out-of-range `ttlInMs` or `maxSessions`.
 */
export function resolveAffinityLimits(
  affinity: AffinityOptions | false | undefined,
): AffinityLimits | undefined {
  if (affinity === false || affinity?.enabled === false) return undefined;
  const ttlInMs = affinity?.ttlInMs ?? defaultAffinityTtlInMs;
  const maxSessions = affinity?.maxSessions ?? defaultMaxSessions;
  validateAffinityLimits(ttlInMs, maxSessions, 'affinity');
  return { ttlInMs, maxSessions };
}

/**
 * The router's session bindings and their counters. They outlive `reconfigure()`: whether plans follow them is
 * the settings' business, so turning affinity off and on again finds the bindings that have not expired.
 */
export interface SessionAffinity {
  /**
   * The store key of a session and the model sent: prompt caches are per model, so each model a session uses
   * keeps its own binding (the background Haiku calls of a session do not pull its main model along).
   */
  keyOf(sessionKey: string, model: string | undefined): string;
  /** The provider bound to `key`; counts a miss when there is none. */
  lookup(key: string): string | undefined;
  /** Counts a plan that followed its binding. */
  hit(): void;
  /** Binds `key` to the provider that just served it; counts a move when it was bound elsewhere. */
  bind(key: string, provider: string): void;
  stats(): AffinityStats;
  /**
   * Applies `limits` to the router's own memory store, creating it on first use; a caller's store takes them only
   * when it is adjustable (has `setLimits` and `forgetProvider`). Call before planning with affinity on.
   */
  applyLimits(limits: AffinityLimits): void;
  /** Drops the bindings to a provider that is no longer configured (the router's own store, or an adjustable one). */
  forget(provider: string): void;
}

/** Options of {@link createSessionAffinity}. */
export interface SessionAffinityOptions {
  /** The caller's store, or `undefined` for a memory store the router sizes itself. */
  readonly store: AffinityStore | undefined;
  readonly now: () => number;
}

/** Creates the router's session bindings; no store is allocated until {@link SessionAffinity.applyLimits}. */
export function createSessionAffinity({ store, now }: SessionAffinityOptions): SessionAffinity {
  let bindings = store;
  let own: AdjustableAffinityStore | undefined;
  let hits = 0;
  let moves = 0;
  let misses = 0;

  return {
    keyOf: (sessionKey, model) => (model === undefined ? sessionKey : `${sessionKey}\u0000${model}`),
    lookup(key) {
      const provider = bindings?.get(key);
      if (provider === undefined) misses += 1;
      return provider;
    },
    hit() {
      hits += 1;
    },
    bind(key, provider) {
      if (bindings === undefined) return;
      const previous = bindings.get(key);
      if (previous === provider) return;
      if (previous !== undefined) moves += 1;
      bindings.set(key, provider);
    },
    stats: () => ({ sessions: bindings?.size?.() ?? 0, hits, moves, misses }),
    applyLimits({ ttlInMs, maxSessions }) {
      if (store !== undefined) {
        // A caller's store that can take limits (a shared replica) follows the configuration like the router's own.
        if (isAdjustable(store)) store.setLimits(ttlInMs, maxSessions);
        return;
      }
      if (own === undefined) {
        own = createAdjustableAffinityStore({ ttlInMs, maxSessions, now });
        bindings = own;
      } else {
        own.setLimits(ttlInMs, maxSessions);
      }
    },
    forget(provider) {
      if (own !== undefined) own.forgetProvider(provider);
      else if (store !== undefined && isAdjustable(store)) store.forgetProvider(provider);
    },
  };
}

/** Whether a caller's store has the extras of {@link AdjustableAffinityStore}. */
function isAdjustable(store: AffinityStore): store is AdjustableAffinityStore {
  const candidate = store as Partial<AdjustableAffinityStore>;
  return typeof candidate.setLimits === 'function' && typeof candidate.forgetProvider === 'function';
}
