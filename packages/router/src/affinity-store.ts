import { RouterError } from './router-error.js';

/**
 * Where session bindings (session key → provider name) live. Synchronous because `route()` reads it on every
 * request; a shared store keeps a local copy and replicates in the background. Expiry and eviction are the
 * store's business: the router only reads, writes and deletes.
 */
export interface AffinityStore {
  /** The provider bound to `key`, or `undefined` when none (or expired). A read counts as use (LRU, TTL). */
  get(key: string): string | undefined;
  /** Binds `key` to `provider`, replacing any binding. */
  set(key: string, provider: string): void;
  delete(key: string): void;
  /** Live bindings, for `affinityStats()`. Optional: stores without it report `sessions: 0`. */
  size?(): number;
}

/** Options of {@link createMemoryAffinityStore}. */
export interface MemoryAffinityStoreOptions {
  /**
   * How long a binding outlives its last use, in ms. Default `3_600_000` (1 h, the longest prompt-cache TTL;
   * past it the provider's cache is cold anyway, so the binding is worthless).
   */
  readonly ttlInMs?: number;
  /** Most bindings kept; the least recently used goes first. Default `10_000`. */
  readonly maxSessions?: number;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

interface Binding {
  provider: string;
  expiresAt: number;
}

/** Defaults shared with the router's `affinity` option. */
export const defaultAffinityTtlInMs = 3_600_000;
export const defaultMaxSessions = 10_000;

/**
 * An in-process {@link AffinityStore}: a `Map` kept in least-recently-used order (a use moves the entry to the
 * end), so eviction takes the first entry and every operation is O(1). A binding expires `ttlInMs` after its
 * last use. Because every use also pushes the expiry out by the same `ttlInMs`, the map is in expiry order too,
 * and expired entries are dropped from its front as new ones arrive: memory stays bounded by live sessions.
 * @throws {RouterError} `CCB_ROUTER_INVALID_OPTIONS` for a non-positive `ttlInMs` or `maxSessions`.
 */
export function createMemoryAffinityStore(options: MemoryAffinityStoreOptions = {}): AffinityStore {
  return createAdjustableAffinityStore(options);
}

/**
 * The memory store a router keeps for itself, adjustable by `reconfigure()`. Internal: a caller's own store
 * handles its own limits, and the router cannot list its bindings.
 */
export interface AdjustableAffinityStore extends AffinityStore {
  /**
   * New limits, keeping the bindings: the least recently used go when `maxSessions` shrinks, and none outlives
   * the new `ttlInMs` from now. Validate first ({@link validateAffinityLimits}); this does not.
   */
  setLimits(ttlInMs: number, maxSessions: number): void;
  /** Drops every binding to `provider` (one that is no longer configured). O(bindings); reloads only. */
  forgetProvider(provider: string): void;
}

/**
 * {@link createMemoryAffinityStore} with the methods `reconfigure()` needs.
 * @throws {RouterError} `CCB_ROUTER_INVALID_OPTIONS` for a non-positive `ttlInMs` or `maxSessions`.
 */
export function createAdjustableAffinityStore(
  options: MemoryAffinityStoreOptions = {},
): AdjustableAffinityStore {
  let ttlInMs = options.ttlInMs ?? defaultAffinityTtlInMs;
  let maxSessions = options.maxSessions ?? defaultMaxSessions;
  const now = options.now ?? Date.now;
  validateAffinityLimits(ttlInMs, maxSessions, 'createMemoryAffinityStore');
  const bindings = new Map<string, Binding>();
  // Moving an entry to the end of the Map costs a delete and an insert (and, in bulk, rehashing); a binding
  // touched again within this slack keeps its place. Recency and expiry are then approximate by at most the slack.
  let refreshSlackInMs = slackOf(ttlInMs);

  function dropExpired(nowInMs: number): void {
    for (const [key, binding] of bindings) {
      if (binding.expiresAt > nowInMs) return;
      bindings.delete(key);
    }
  }

  function evictLeastRecent(): void {
    const leastRecent = bindings.keys().next();
    if (leastRecent.done !== true) bindings.delete(leastRecent.value);
  }

  return {
    get(key) {
      const binding = bindings.get(key);
      if (binding === undefined) return undefined;
      const nowInMs = now();
      if (binding.expiresAt <= nowInMs) {
        bindings.delete(key);
        return undefined;
      }
      if (binding.expiresAt - nowInMs < ttlInMs - refreshSlackInMs) {
        bindings.delete(key);
        binding.expiresAt = nowInMs + ttlInMs;
        bindings.set(key, binding);
      }
      return binding.provider;
    },
    set(key, provider) {
      const nowInMs = now();
      const binding = bindings.get(key);
      if (
        binding !== undefined &&
        binding.provider === provider &&
        binding.expiresAt > nowInMs &&
        binding.expiresAt - nowInMs >= ttlInMs - refreshSlackInMs
      ) {
        return;
      }
      if (binding !== undefined) {
        bindings.delete(key);
        binding.provider = provider;
        binding.expiresAt = nowInMs + ttlInMs;
        bindings.set(key, binding);
        return;
      }
      dropExpired(nowInMs);
      if (bindings.size >= maxSessions) evictLeastRecent();
      bindings.set(key, { provider, expiresAt: nowInMs + ttlInMs });
    },
    delete(key) {
      bindings.delete(key);
    },
    size() {
      dropExpired(now());
      return bindings.size;
    },
    setLimits(nextTtlInMs, nextMaxSessions) {
      const nowInMs = now();
      dropExpired(nowInMs);
      if (nextTtlInMs < ttlInMs) {
        // Capping every expiry at one deadline keeps the map in expiry order.
        const latest = nowInMs + nextTtlInMs;
        for (const binding of bindings.values()) binding.expiresAt = Math.min(binding.expiresAt, latest);
      }
      ttlInMs = nextTtlInMs;
      maxSessions = nextMaxSessions;
      refreshSlackInMs = slackOf(ttlInMs);
      while (bindings.size > maxSessions) evictLeastRecent();
    },
    forgetProvider(provider) {
      for (const [key, binding] of bindings) if (binding.provider === provider) bindings.delete(key);
    },
  };
}

function slackOf(ttlInMs: number): number {
  return Math.min(ttlInMs / 64, 60_000);
}

/** @throws {RouterError} `CCB_ROUTER_INVALID_OPTIONS` naming the field out of range. */
export function validateAffinityLimits(ttlInMs: number, maxSessions: number, where: string): void {
  if (typeof ttlInMs !== 'number' || Number.isNaN(ttlInMs) || ttlInMs <= 0) {
    throw new RouterError(
      'CCB_ROUTER_INVALID_OPTIONS',
      `${where}: ttlInMs must be a positive number of milliseconds, got ${String(ttlInMs)}.`,
    );
  }
  if (!Number.isInteger(maxSessions) || maxSessions < 1) {
    throw new RouterError(
      'CCB_ROUTER_INVALID_OPTIONS',
      `${where}: maxSessions must be a positive integer, got ${String(maxSessions)}.`,
    );
  }
}
