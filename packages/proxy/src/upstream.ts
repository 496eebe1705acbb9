import { type Dispatcher, Pool } from 'undici';
import type { UpstreamTarget, UpstreamTimeouts } from './ports.js';
import { ProxyError } from './proxy-error.js';
import type { UpstreamEntry } from './proxy-options.js';

/** An upstream with the dispatcher the handler made for it. */
export interface Upstream {
  readonly target: UpstreamTarget;
  readonly dispatcher: Dispatcher;
  readonly timeouts: UpstreamTimeouts;
}

/**
 * The upstreams by provider name, each with its dispatcher.
 * @throws {ProxyError} `CCB_PROXY_INVALID_OPTIONS` for two upstreams with one name.
 */
export function createUpstreams(
  entries: readonly UpstreamEntry[],
  createDispatcher: (entry: UpstreamEntry) => Dispatcher = defaultDispatcher,
): ReadonlyMap<string, Upstream> {
  const upstreams = new Map<string, Upstream>();
  for (const entry of entries) {
    if (upstreams.has(entry.target.name)) {
      throw new ProxyError('CCB_PROXY_INVALID_OPTIONS', `duplicate upstream name "${entry.target.name}"`);
    }
    upstreams.set(entry.target.name, { ...entry, dispatcher: createDispatcher(entry) });
  }
  return upstreams;
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
