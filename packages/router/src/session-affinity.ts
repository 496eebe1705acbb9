import {
  type AffinityStore,
  createMemoryAffinityStore,
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
  /** How long a binding outlives its last use, in ms. Default `3_600_000` (1 h). Ignored with `affinityStore`. */
  readonly ttlInMs?: number;
  /** Most bindings kept in memory (LRU). Default `10_000`. Ignored with `affinityStore`. */
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

/** The router's session bindings and their counters. */
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
}

/** Options of {@link createSessionAffinity}. */
export interface SessionAffinityOptions {
  readonly affinity: AffinityOptions | false | undefined;
  readonly store: AffinityStore | undefined;
  readonly now: () => number;
}

/**
 * Creates the router's affinity, or `undefined` when it is turned off.
 * @throws {RouterError} `CCB_ROUTER_INVALID_OPTIONS` for an out-of-range `ttlInMs` or `maxSessions`.
 */
export function createSessionAffinity({
  affinity,
  store,
  now,
}: SessionAffinityOptions): SessionAffinity | undefined {
  if (affinity === false || affinity?.enabled === false) return undefined;
  const ttlInMs = affinity?.ttlInMs ?? defaultAffinityTtlInMs;
  const maxSessions = affinity?.maxSessions ?? defaultMaxSessions;
  validateAffinityLimits(ttlInMs, maxSessions, 'affinity');
  const bindings = store ?? createMemoryAffinityStore({ ttlInMs, maxSessions, now });
  let hits = 0;
  let moves = 0;
  let misses = 0;

  return {
    keyOf: (sessionKey, model) => (model === undefined ? sessionKey : `${sessionKey}\u0000${model}`),
    lookup(key) {
      const provider = bindings.get(key);
      if (provider === undefined) misses += 1;
      return provider;
    },
    hit() {
      hits += 1;
    },
    bind(key, provider) {
      const previous = bindings.get(key);
      if (previous === provider) return;
      if (previous !== undefined) moves += 1;
      bindings.set(key, provider);
    },
    stats: () => ({ sessions: bindings.size?.() ?? 0, hits, moves, misses }),
  };
}
