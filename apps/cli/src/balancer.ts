import type { Config } from '@ccb/config';
import type { OAuthAccountStatus, Provider } from '@ccb/providers';
import type { KeyFingerprint, ProxyServer } from '@ccb/proxy';
import type { Router } from '@ccb/router';
import type { Metrics } from '@ccb/telemetry';
import type { GoogleTokenStatus } from '@ccb/vertex';
import type { AdminControl } from './admin/admin-control.js';
import type { EventsHub } from './admin/events-hub.js';
import type { RecentAttempts } from './admin/recent-attempts.js';
import type { CostAccounting } from './cost-accounting.js';
import type { FingerprintSecret } from './fingerprint-secret.js';
import type { RuntimeOverrides } from './reload/runtime-overrides.js';
import type { SharedState } from './shared-state/shared-state.js';

/** A balancer assembled from a resolved configuration: the one place the libraries meet. */
export interface Balancer {
  readonly server: ProxyServer;
  /** One router for the life of the process: reloads reconfigure it, so health and affinity live on. */
  readonly router: Router;
  /** The providers of the configuration in force. */
  readonly providers: readonly Provider[];
  /** The configuration in force (restart-only settings as the process started). */
  readonly config: Config;
  /** Attempts in flight per provider. */
  readonly inFlight: ReadonlyMap<string, number>;
  /** Prometheus metrics, unless `server.metrics` is off. */
  readonly metrics: Metrics | undefined;
  /** Pricing, the usage ledger and budgets. */
  readonly costs: CostAccounting;
  /** Live state shared with other instances (`state.store: redis`); `undefined` on memory. */
  readonly sharedState: SharedState | undefined;
  /** The secret keying client-key fingerprints, and where it came from. */
  readonly fingerprintSecret: FingerprintSecret;
  /** Operators' runtime changes to providers (admin API); `applyOverrides()` puts a change into force. */
  readonly overrides: RuntimeOverrides;
  /** The last attempts of each provider, for the admin API. */
  readonly recent: RecentAttempts;
  /** The state of each subscription account (`auth_type: oauth` provider) in force, by provider name. */
  accounts(): ReadonlyMap<string, OAuthAccountStatus>;
  /** Where the Google access token of each `kind: vertex` provider in force stands, by provider name. */
  googleTokens(): ReadonlyMap<string, GoogleTokenStatus>;
  /** What `GET /admin/events` streams (health changes, failovers, reloads, traffic per second). */
  readonly events: EventsHub;
  /**
   * Puts `next` into force as one swap: requests that started before finish on the configuration they started
   * with. Everything is built and checked first; on a throw nothing changed. `next` must already hold the running
   * values of the restart-only settings (see `keepRestartOnly`).
   */
  reconfigure(next: Config): Reconfiguration;
  /** Re-applies the runtime overrides to the router (after `overrides.set`). */
  applyOverrides(): void;
  /** How client and provider keys are named where a key must be identified (fingerprints, never keys). */
  readonly keyFingerprint: KeyFingerprint;
  /** Gives the admin API what it needs to reload and persist (the reloader, made once the balancer exists). */
  attachControl(control: AdminControl): void;
  /** Starts listening and the background probes. */
  start(): Promise<{ url: string }>;
  /** Stops probes, then shuts the server down gracefully. */
  close(): Promise<void>;
}

/** What a reconfiguration retired. */
export interface Reconfiguration {
  /** Providers whose connections were retired (removed, or their address changed). */
  readonly retired: readonly string[];
  /** Resolves when the requests that started before the change ended and the retired connections closed. */
  readonly drained: Promise<void>;
}
