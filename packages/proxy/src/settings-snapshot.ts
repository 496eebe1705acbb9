import { Generation } from './_generation.js';
import type { InProgressList } from './_in-progress-list.js';
import type { HeldBytes } from './body-memory.js';
import { readingOptions } from './body-reading-options.js';
import { createClientAuth, type KeyFingerprint } from './client-auth.js';
import type { DedupOptions } from './dedup-options.js';
import { DedupRegistry } from './dedup-registry.js';
import type { ShutdownTarget } from './exchange-context.js';
import { ProxyError } from './proxy-error.js';
import type { ProxyHooks, RequestListener } from './proxy-options.js';
import type { ProxyRequestContext } from './proxy-request.js';
import type { ProxySettings } from './proxy-settings.js';
import { refuseRequest } from './refuse-request.js';
import { createRelayedErrorScrubber } from './relayed-error-scrubber.js';
import { createRequestGuard, type RequestGuard } from './request-guard.js';
import type { SessionDomains } from './session-domains.js';
import { SessionRepair, spansSignatureDomains } from './session-repair.js';
import type { ReplayMemory } from './shared-response.js';
import type { UpstreamPool, UpstreamPools } from './upstream.js';

/** A handler's settings as one request sees them, from its start to its end, failover attempts included. */
export interface SettingsSnapshot extends ProxyRequestContext {
  readonly guard: RequestGuard;
  readonly otherRequests: RequestListener;
}

/** What every snapshot of one handler shares: what a reload cannot change, and what outlives a snapshot. */
export interface SnapshotBase {
  /** The listen address, for the `Host` check. */
  readonly host: string | undefined;
  readonly viaToken: string;
  readonly hooks: ProxyHooks;
  readonly inProgress: InProgressList<ShutdownTarget>;
  /** The fingerprint used when the settings name none: one per handler, so that key ids survive a reload. */
  readonly keyFingerprint: KeyFingerprint;
  /** The bytes every request body holds, whichever snapshot read it. */
  readonly held: HeldBytes;
  readonly pools: UpstreamPools;
  /** The replay bytes of every deduplicated call in flight, whichever snapshot started it. */
  readonly replayMemory: ReplayMemory;
  /** Which signature domains served each session and signed each thinking block: kept across reloads. */
  readonly sessionDomains: SessionDomains;
}

/**
 * Checks `settings` completely, then builds their snapshot: the guard, the client keys, the scrubber, the body
 * limits and the upstreams, each pool kept or made by `base.pools` (the last step, the only one with an effect, and
 * all or nothing). On a throw nothing has changed.
 * @throws {ProxyError} `CCB_PROXY_INVALID_OPTIONS`, as `createProxyHandler` does.
 */
export function buildSnapshot(
  settings: ProxySettings,
  base: SnapshotBase,
  previous: SettingsSnapshot | undefined,
): { snapshot: SettingsSnapshot; retired: readonly UpstreamPool[] } {
  const maxAttempts = settings.maxAttempts ?? 3;
  if (!(maxAttempts >= 1))
    throw new ProxyError('CCB_PROXY_INVALID_OPTIONS', 'maxAttempts must be at least 1');
  const dedup = dedupRegistry(settings.dedup, base);
  const guard = createRequestGuard({
    host: base.host,
    allowedHosts: settings.allowedHosts,
    corsOrigins: settings.corsOrigins,
    extraApiRoutes: settings.extraApiRoutes,
  });
  const auth = createClientAuth(settings.clientApiKeys ?? [], settings.keyFingerprint ?? base.keyFingerprint);
  const relayedErrors = createRelayedErrorScrubber(settings.redactValues ?? []);
  const bodyReading = readingOptions(settings, base.held, previous?.bodyReading);
  const { upstreams, retired, capabilityGaps } = base.pools.swap(settings.upstreams);
  const snapshot: SettingsSnapshot = {
    upstreams,
    capabilityGaps,
    planner: settings.planner,
    maxAttempts,
    firstContentTimeoutInMs: settings.firstContentTimeoutInMs ?? 30_000,
    maxRetryAfterInSeconds: settings.maxRetryAfterInSeconds ?? 5,
    captureBodiesInBytes: settings.captureBodiesInBytes ?? 0,
    relayedErrors,
    viaValue: `1.1 ${base.viaToken}`,
    hooks: base.hooks,
    inProgress: base.inProgress,
    viaToken: base.viaToken,
    auth,
    bodyReading,
    generation: new Generation(),
    guard,
    otherRequests: settings.otherRequests ?? notFound,
    dedup,
    // Only a configuration whose providers span several signature domains records and repairs sessions.
    sessionRepair: spansSignatureDomains(settings.upstreams.map((entry) => entry.target))
      ? new SessionRepair(base.sessionDomains)
      : undefined,
  };
  return { snapshot, retired };
}

/**
 * The snapshot's own deduplicated calls and answer cache (a reload never joins across configurations), or
 * `undefined` when every part of deduplication is off.
 */
function dedupRegistry(options: DedupOptions | undefined, base: SnapshotBase): DedupRegistry | undefined {
  if (options === undefined) return undefined;
  for (const name of ['cacheTtlInMs', 'maxReplayInBytes', 'retryGraceInMs'] as const) {
    if (!(options[name] >= 0))
      throw new ProxyError('CCB_PROXY_INVALID_OPTIONS', `dedup.${name} must be a number of at least 0`);
  }
  if (!options.countTokens && !options.models && options.messages !== 'in_flight') return undefined;
  return new DedupRegistry(options, base.replayMemory, base.hooks);
}

function notFound(request: Parameters<RequestListener>[0], response: Parameters<RequestListener>[1]): void {
  const path = (request.url ?? '/').split('?', 1)[0];
  refuseRequest(request, response, 404, 'not_found_error', `no route for ${request.method ?? 'GET'} ${path}`);
}
