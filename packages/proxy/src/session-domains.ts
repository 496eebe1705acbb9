import { hash } from 'node:crypto';
import { ProxyError } from './proxy-error.js';

/** Options of {@link SessionDomains}: the bounds of what one ccb remembers about sessions and signatures. */
export interface SessionDomainsOptions {
  /**
   * How long a session's record outlives its last use, in ms. Default 86 400 000 (24 h: a Claude Code session is
   * often resumed the next day; a record that expired makes the next request go byte for byte, as today).
   */
  readonly ttlInMs?: number;
  /** Most sessions remembered; the least recently used goes first. Default 10 000. */
  readonly maxSessions?: number;
  /**
   * Most thinking-signature digests remembered, all sessions together (about 80 bytes each); the least recently
   * seen goes first, and a thinking block whose signature was forgotten is removed when its session crosses domains.
   * Default 100 000.
   */
  readonly maxSignatures?: number;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

interface Entry<Value> {
  value: Value;
  expiresAt: number;
}

/** Defaults of {@link SessionDomainsOptions}. */
export const defaultSessionTtlInMs = 86_400_000;
export const defaultMaxRepairSessions = 10_000;
export const defaultMaxSignatures = 100_000;

/**
 * What one ccb instance knows about the signature domains of its sessions: for each session key, the domains whose
 * providers served it; for each thinking signature (or redacted_thinking `data`) relayed, a digest and the domain
 * that produced it. Signatures are kept in one map for every session, not one per session: a signature identifies
 * itself (a client could even copy one into another conversation, and it stays valid where it was made), and one
 * bound holds the memory whatever the number of sessions. Both maps are LRU with a TTL, like the router's affinity
 * store: a `Map` in use order, expired entries dropped from its front as new ones arrive.
 */
export class SessionDomains {
  readonly #sessions = new Map<string, Entry<Set<string>>>();
  readonly #signatures = new Map<string, Entry<string>>();
  readonly #ttlInMs: number;
  readonly #maxSessions: number;
  readonly #maxSignatures: number;
  readonly #now: () => number;

  /** @throws {ProxyError} `CCB_PROXY_INVALID_OPTIONS` for a bound that is not a positive number. */
  constructor(options: SessionDomainsOptions = {}) {
    this.#ttlInMs = positive(options.ttlInMs ?? defaultSessionTtlInMs, 'sessionRepair.ttlInMs');
    this.#maxSessions = positive(
      options.maxSessions ?? defaultMaxRepairSessions,
      'sessionRepair.maxSessions',
    );
    this.#maxSignatures = positive(
      options.maxSignatures ?? defaultMaxSignatures,
      'sessionRepair.maxSignatures',
    );
    this.#now = options.now ?? Date.now;
  }

  /** The domains that served `sessionKey`, `undefined` when none is remembered. A read counts as use. */
  domainsOf(sessionKey: string): ReadonlySet<string> | undefined {
    return touch(this.#sessions, sessionKey, this.#now(), this.#ttlInMs);
  }

  /** Notes that a provider of `domain` served `sessionKey`. */
  served(sessionKey: string, domain: string): void {
    const now = this.#now();
    const domains = touch(this.#sessions, sessionKey, now, this.#ttlInMs);
    if (domains !== undefined) {
      domains.add(domain);
      return;
    }
    insert(this.#sessions, sessionKey, new Set([domain]), now, this.#ttlInMs, this.#maxSessions);
  }

  /**
   * Notes that the session's history holds nothing of another domain than `domain` (a repair for it found nothing
   * to change): its later turns there go byte for byte again, without a parse, until another domain serves it.
   */
  onlyIn(sessionKey: string, domain: string): void {
    const domains = this.#sessions.get(sessionKey)?.value;
    if (domains === undefined || (domains.size === 1 && domains.has(domain))) return;
    domains.clear();
    domains.add(domain);
  }

  /** Notes that `domain` produced this signature (a thinking block's `signature`, a redacted_thinking's `data`). */
  signed(signature: string, domain: string): void {
    const digest = signatureDigest(signature);
    const now = this.#now();
    const entry = this.#signatures.get(digest);
    if (entry !== undefined) {
      this.#signatures.delete(digest);
      entry.value = domain;
      entry.expiresAt = now + this.#ttlInMs;
      this.#signatures.set(digest, entry);
      return;
    }
    insert(this.#signatures, digest, domain, now, this.#ttlInMs, this.#maxSignatures);
  }

  /** The domain that produced `signature`, `undefined` when unknown (never seen, expired or evicted). */
  domainOfSignature(signature: string): string | undefined {
    return touch(this.#signatures, signatureDigest(signature), this.#now(), this.#ttlInMs);
  }

  /** Sessions and signatures remembered (expired ones not yet dropped included). */
  get size(): { sessions: number; signatures: number } {
    return { sessions: this.#sessions.size, signatures: this.#signatures.size };
  }
}

/**
 * 128 bits of SHA-256: collisions are out of reach, and a remembered signature costs 22 characters instead of its
 * own hundreds to thousands of bytes.
 */
export function signatureDigest(signature: string): string {
  return hash('sha256', signature, 'base64url').slice(0, 22);
}

/** The live value at `key`, moved to the end of the map (most recent) with a new expiry; drops it if expired. */
function touch<Value>(
  map: Map<string, Entry<Value>>,
  key: string,
  now: number,
  ttlInMs: number,
): Value | undefined {
  const entry = map.get(key);
  if (entry === undefined) return undefined;
  map.delete(key);
  if (entry.expiresAt <= now) return undefined;
  entry.expiresAt = now + ttlInMs;
  map.set(key, entry);
  return entry.value;
}

function insert<Value>(
  map: Map<string, Entry<Value>>,
  key: string,
  value: Value,
  now: number,
  ttlInMs: number,
  max: number,
): void {
  // Every use pushes its expiry out by the same TTL, so the map is in expiry order: expired entries lead it.
  for (const [oldest, entry] of map) {
    if (entry.expiresAt > now && map.size < max) break;
    map.delete(oldest);
  }
  map.set(key, { value, expiresAt: now + ttlInMs });
}

function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new ProxyError('CCB_PROXY_INVALID_OPTIONS', `${name} must be a positive number (got ${value})`);
  }
  return value;
}
