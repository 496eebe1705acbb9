import type { ProxyHandlerOptions } from './proxy-options.js';

/**
 * The handler options a reload may change: all but the hooks (`onRequestEnd`, `admitRequest`, …), `createDispatcher`
 * and the listen address (`host`), which the handler holds for its life. A reconfiguration is a whole description,
 * not a patch: an option left out takes its default, as at creation (`keyFingerprint` left out keeps the handler's
 * own random-secret fingerprint, so key ids stay the same across reloads).
 */
export type ProxySettings = Pick<
  ProxyHandlerOptions,
  | 'upstreams'
  | 'planner'
  | 'clientApiKeys'
  | 'redactValues'
  | 'keyFingerprint'
  | 'maxAttempts'
  | 'firstContentTimeoutInMs'
  | 'maxRetryAfterInSeconds'
  | 'captureBodiesInBytes'
  | 'allowedHosts'
  | 'corsOrigins'
  | 'extraApiRoutes'
  | 'bodyLimitInBytes'
  | 'bodyTimeoutInMs'
  | 'maxBodyMemoryInBytes'
  | 'otherRequests'
  | 'dedup'
>;

/** What a reconfiguration changed that takes time to finish. */
export interface Reconfigured {
  /**
   * Upstreams (provider names) whose connection pool this change retired: removed, or with a new `origin` or
   * connect timeout. A retired pool takes no new request; the requests already using it finish.
   */
  readonly retired: readonly string[];
  /** Resolves once every request that started before the change has ended and the retired pools are closed. */
  readonly drained: Promise<void>;
}
