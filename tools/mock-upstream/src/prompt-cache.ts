import { listCachePrefixes } from './cache-prefixes.js';
import { type CacheTokens, noCacheTokens } from './reply-plan.js';

/** The `promptCache` option's object form. */
export interface PromptCacheOptions {
  /** Lifetime of a 5-minute (`ephemeral`) cache entry, in ms; reads and writes renew it. Default `300_000`. */
  ttlInMs?: number;
  /**
   * Block boundaries before each breakpoint also checked for a hit, as the API does (about 20). `0`
   * checks the breakpoints only. Integer ≥ 0. Default `20`.
   */
  lookbackBlocks?: number;
}

/** Prompt-cache counters of one mock since its last `reset()`; all zero when the simulation is off. */
export interface PromptCacheStats {
  /** Requests with `cache_read_input_tokens` > 0. */
  readonly reads: number;
  /** Requests with `cache_creation_input_tokens` > 0. */
  readonly writes: number;
  /** Sum of `cache_read_input_tokens`. */
  readonly readTokens: number;
  /** Sum of `cache_creation_input_tokens` (5-minute and 1-hour). */
  readonly creationTokens: number;
  /** Sum of `input_tokens` (the uncached remainder) over the same requests. */
  readonly inputTokens: number;
}

/** How one request's input tokens split between uncached input and the cache. */
export interface PromptUsage {
  readonly inputTokens: number;
  readonly cache: CacheTokens;
}

/** A mock's prompt cache (internal): prefix key → expiry, plus counters. */
export interface PromptCache {
  /**
   * Looks up and writes the request's prefixes and splits `totalInputTokens` (the request's whole
   * estimate) into cache reads, cache creation and the remaining `input_tokens`.
   */
  account(body: Record<string, unknown>, totalInputTokens: number): PromptUsage;
  stats(): PromptCacheStats;
  resetStats(): void;
  /** Forgets every cached prefix; counters stay. */
  clear(): void;
  /** Cached prefixes held, expired ones not yet swept included. */
  readonly entryCount: number;
}

/** What {@link createPromptCache} needs. */
export interface PromptCacheSettings {
  readonly ttlInMs: number;
  readonly lookbackBlocks: number;
  readonly now: () => number;
}

type MutableStats = { -readonly [Name in keyof PromptCacheStats]: number };

interface CacheEntry {
  expiresAt: number;
  ttlInMs: number;
}

/** `cache_control: {ttl: "1h"}` (pricing page: 1-hour cache writes). */
const oneHourInMs = 3_600_000;
/** Below this many entries expired ones are left alone; above, a sweep runs whenever the map doubles. */
const minimumSweepSize = 1024;

/** Zeroed counters, for a mock without the simulation. */
export function emptyPromptCacheStats(): PromptCacheStats {
  return { reads: 0, writes: 0, readTokens: 0, creationTokens: 0, inputTokens: 0 };
}

/**
 * Creates an empty prompt cache. Per request: the longest listed prefix that is cached and not expired
 * is read (and renewed); every breakpoint prefix is written with a fresh TTL (an entry never shortens);
 * the tokens between the hit and the last breakpoint are creation (1-hour when the last breakpoint asks
 * for `ttl: "1h"`), the rest of the request is `input_tokens`.
 */
export function createPromptCache(settings: PromptCacheSettings): PromptCache {
  const { ttlInMs, lookbackBlocks, now } = settings;
  let entries = new Map<string, CacheEntry>();
  let sweepAtSize = minimumSweepSize;
  let stats: MutableStats = emptyPromptCacheStats();

  function sweep(time: number): void {
    for (const [key, entry] of entries) if (entry.expiresAt <= time) entries.delete(key);
    sweepAtSize = Math.max(minimumSweepSize, entries.size * 2);
  }

  function write(key: string, entryTtlInMs: number, time: number): void {
    const entry = entries.get(key);
    if (entry === undefined) {
      entries.set(key, { expiresAt: time + entryTtlInMs, ttlInMs: entryTtlInMs });
    } else if (entry.expiresAt <= time) {
      entry.expiresAt = time + entryTtlInMs;
      entry.ttlInMs = entryTtlInMs;
    } else {
      // A 5-minute write must not cut short a live 1-hour entry.
      entry.expiresAt = Math.max(entry.expiresAt, time + entryTtlInMs);
      entry.ttlInMs = Math.max(entry.ttlInMs, entryTtlInMs);
    }
  }

  function split(body: Record<string, unknown>, totalInputTokens: number): PromptUsage {
    const model = typeof body.model === 'string' ? body.model : '';
    const prefixes = listCachePrefixes(body, model, lookbackBlocks);
    const last = prefixes[prefixes.length - 1];
    if (last === undefined) return { inputTokens: totalInputTokens, cache: noCacheTokens };
    const time = now();
    let readTokens = 0;
    for (let index = prefixes.length - 1; index >= 0; index--) {
      const prefix = prefixes[index] as (typeof prefixes)[number];
      const entry = entries.get(prefix.key);
      if (entry !== undefined && entry.expiresAt > time) {
        readTokens = prefix.tokens;
        // A read renews the entry for its own TTL (breakpoint hits are renewed by the writes below).
        entry.expiresAt = time + entry.ttlInMs;
        break;
      }
    }
    for (const prefix of prefixes) {
      if (prefix.breakpoint) write(prefix.key, prefix.longTtl ? oneHourInMs : ttlInMs, time);
    }
    if (entries.size >= sweepAtSize) sweep(time);
    const creationTokens = last.tokens - readTokens;
    return {
      // The block estimate can only exceed the body estimate for tiny, odd bodies; never go negative.
      inputTokens: Math.max(totalInputTokens, last.tokens) - last.tokens,
      cache: {
        readInputTokens: readTokens,
        creation5mInputTokens: last.longTtl ? 0 : creationTokens,
        creation1hInputTokens: last.longTtl ? creationTokens : 0,
      },
    };
  }

  return {
    account(body, totalInputTokens) {
      const usage = split(body, totalInputTokens);
      const { readInputTokens, creation5mInputTokens, creation1hInputTokens } = usage.cache;
      const creationTokens = creation5mInputTokens + creation1hInputTokens;
      if (readInputTokens > 0) stats.reads++;
      if (creationTokens > 0) stats.writes++;
      stats.readTokens += readInputTokens;
      stats.creationTokens += creationTokens;
      stats.inputTokens += usage.inputTokens;
      return usage;
    },
    stats: () => ({ ...stats }),
    resetStats() {
      stats = emptyPromptCacheStats();
    },
    clear() {
      entries = new Map();
      sweepAtSize = minimumSweepSize;
    },
    get entryCount() {
      return entries.size;
    },
  };
}
