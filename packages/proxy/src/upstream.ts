import { anthropicSignatureDomain, hasCapabilityGaps } from '@ccb/protocol';
import { type Dispatcher, Pool } from 'undici';
import { type BetaFilter, betaFilterOf } from './beta-filter.js';
import type { UpstreamTarget, UpstreamTimeouts } from './ports.js';
import { ProxyError } from './proxy-error.js';
import type { UpstreamEntry } from './proxy-options.js';

/** An upstream with the dispatcher the handler made for it. */
export interface Upstream {
  readonly target: UpstreamTarget;
  readonly dispatcher: Dispatcher;
  readonly timeouts: UpstreamTimeouts;
  /** Removes the `anthropic-beta` flags the target does not accept; `undefined` when it takes them all. */
  readonly betaFilter: BetaFilter | undefined;
  /**
   * A third party (a signature domain of its own) speaking the Messages API itself: its error answers are put in
   * Anthropic's shape before the client sees them (protocol notes §10). An adapter translates its own errors.
   */
  readonly normalizesErrors: boolean;
}

/** A dispatcher the handler made, and the connection settings it was made with. */
export interface UpstreamPool {
  readonly name: string;
  readonly dispatcher: Dispatcher;
  readonly origin: string;
  readonly connectInMs: number;
  /** Set once the pool is being closed (by its drain after a reload, or by the handler's `close()`). */
  closing?: Promise<void>;
}

/** The upstreams of one set of settings, and the pools that set no longer uses. */
export interface UpstreamSwap {
  /** By provider name. */
  readonly upstreams: ReadonlyMap<string, Upstream>;
  /** Pools the previous settings used and these do not: retire them once no request can still use them. */
  readonly retired: readonly UpstreamPool[];
  /** Some upstream lacks a capability a request may need: only then do requests read their needs. */
  readonly capabilityGaps: boolean;
}

/**
 * The handler's connection pools, one per upstream name, kept across reloads. A pool is kept while its upstream's
 * `origin` and `timeouts.connectInMs` stay the same: those are all the default pool takes from its entry (the
 * first-byte and stream-idle timeouts go with each request), so a changed key, header, model map or timeout keeps
 * the warm connections. A custom `createDispatcher` must likewise build its dispatcher from those two alone.
 */
export class UpstreamPools {
  readonly #createDispatcher: (entry: UpstreamEntry) => Dispatcher;
  #live = new Map<string, UpstreamPool>();

  constructor(createDispatcher: (entry: UpstreamEntry) => Dispatcher = defaultDispatcher) {
    this.#createDispatcher = createDispatcher;
  }

  /** The pools in use by the current settings. */
  get live(): Iterable<UpstreamPool> {
    return this.#live.values();
  }

  /**
   * The upstreams for `entries`, keeping the pools whose connection is unchanged and making the others. All or
   * nothing: on a throw (a duplicate name, a `createDispatcher` that throws) the pools made here are closed and the
   * live ones are as before.
   * @throws {ProxyError} `CCB_PROXY_INVALID_OPTIONS` for two upstreams with one name.
   */
  swap(entries: readonly UpstreamEntry[]): UpstreamSwap {
    const names = new Set<string>();
    for (const entry of entries) {
      if (names.has(entry.target.name)) {
        throw new ProxyError('CCB_PROXY_INVALID_OPTIONS', `duplicate upstream name "${entry.target.name}"`);
      }
      names.add(entry.target.name);
    }
    const live = new Map<string, UpstreamPool>();
    const upstreams = new Map<string, Upstream>();
    const made: UpstreamPool[] = [];
    let capabilityGaps = false;
    try {
      for (const entry of entries) {
        const { name, origin } = entry.target;
        let pool = this.#live.get(name);
        if (pool === undefined || pool.origin !== origin || pool.connectInMs !== entry.timeouts.connectInMs) {
          pool = {
            name,
            origin,
            connectInMs: entry.timeouts.connectInMs,
            dispatcher: this.#createDispatcher(entry),
          };
          made.push(pool);
        }
        live.set(name, pool);
        upstreams.set(name, {
          target: entry.target,
          timeouts: entry.timeouts,
          dispatcher: pool.dispatcher,
          betaFilter: betaFilterOf(entry.target.capabilities),
          normalizesErrors:
            entry.target.adapter === undefined &&
            entry.target.capabilities !== undefined &&
            entry.target.capabilities.signatureDomain !== anthropicSignatureDomain,
        });
        if (hasCapabilityGaps(entry.target.capabilities)) capabilityGaps = true;
      }
    } catch (error) {
      for (const pool of made) void pool.dispatcher.close().catch(() => {});
      throw error;
    }
    const retired = [...this.#live.values()].filter((pool) => live.get(pool.name) !== pool);
    this.#live = live;
    return { upstreams, retired, capabilityGaps };
  }
}

/** One keep-alive pool per upstream, with its connect, first-byte and idle timeouts. */
function defaultDispatcher(entry: UpstreamEntry): Dispatcher {
  return new Pool(entry.target.origin, {
    connect: { timeout: entry.timeouts.connectInMs },
    headersTimeout: entry.timeouts.firstByteInMs,
    bodyTimeout: entry.timeouts.streamIdleInMs,
    keepAliveTimeout: 30_000,
  });
}
