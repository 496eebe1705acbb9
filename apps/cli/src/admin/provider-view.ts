import type { AdminProvider, ProviderState } from '@ccb/admin-api';
import { isoOrNull, toRateLimitWire, toUnifiedWire } from '@ccb/admin-api';
import type { Config } from '@ccb/config';
import type { KeyFingerprint } from '@ccb/proxy';
import type { ProviderHealth } from '@ccb/router';
import type { ProviderOverride, RoutingFields } from '../reload/runtime-overrides.js';
import type { RecentSummary } from './recent-attempts.js';

type ProviderConfig = Config['providers'][number];

/** What the admin API's view of one provider is made from. */
export interface ProviderViewInput {
  readonly provider: ProviderConfig;
  readonly override: ProviderOverride;
  readonly effective: RoutingFields;
  readonly health: ProviderHealth | undefined;
  readonly inFlight: number;
  readonly recent: RecentSummary;
  /** USD spent today (UTC) at this provider; `null` when the ledger is off. */
  readonly spendTodayUsd: number | null;
  readonly fingerprint: KeyFingerprint;
}

/** Whether a provider serves, is disabled, drains its last requests, or has drained. */
export function providerState(
  override: ProviderOverride,
  effective: RoutingFields,
  inFlight: number,
): ProviderState {
  if (override.draining === true) return inFlight > 0 ? 'draining' : 'drained';
  return effective.enabled ? 'serving' : 'disabled';
}

const noBudget = { requests: null, tokens: null, inputTokens: null, outputTokens: null };

/** The fingerprint of the provider's own fixed credential: its api_key, or a Vertex provider's fixed access token. */
function fingerprintOf(provider: ProviderConfig, fingerprint: KeyFingerprint): string | null {
  const secret = provider.api_key ?? provider.gcp?.access_token;
  return secret === undefined ? null : fingerprint(secret);
}

/** The admin API's view of one provider. Holds no secret: a key shows as its keyed fingerprint. */
export function providerView(input: ProviderViewInput): AdminProvider {
  const { provider, override, effective, health } = input;
  return {
    name: provider.name,
    base_url: provider.base_url,
    // A Vertex provider authenticates with Google access tokens, whatever auth_type's default says.
    auth_type: provider.kind === 'vertex' ? 'gcp' : provider.auth_type,
    key_fingerprint: fingerprintOf(provider, input.fingerprint),
    models: [...provider.models],
    configured: { weight: provider.weight, priority: provider.priority, enabled: provider.enabled },
    overrides: {
      ...(override.weight !== undefined ? { weight: override.weight } : {}),
      ...(override.priority !== undefined ? { priority: override.priority } : {}),
      ...(override.enabled !== undefined ? { enabled: override.enabled } : {}),
    },
    effective: { ...effective },
    state: providerState(override, effective, input.inFlight),
    health: {
      circuit: health?.state ?? 'closed',
      usable: health?.usable ?? false,
      serving: health?.serving ?? false,
      reason: health?.reason ?? null,
      cooling_down_until: isoOrNull(health?.coolingDownUntil ?? null),
      rate_limit_class: health?.rateLimitClass ?? null,
      consecutive_failures: health?.consecutiveFailures ?? 0,
      failure_rate: health?.failureRate ?? 0,
      last_error:
        health?.lastError == null
          ? null
          : {
              kind: health.lastError.kind,
              status: health.lastError.status,
              type: health.lastError.errorType,
              at: isoOrNull(health.lastError.at) as string,
            },
      last_success_at: isoOrNull(health?.lastSuccessAt ?? null),
    },
    rate_limit: toRateLimitWire(health?.budget ?? noBudget),
    unified: toUnifiedWire(health?.unified ?? null),
    in_flight: input.inFlight,
    recent: {
      requests: input.recent.requests,
      errors: input.recent.errors,
      error_rate: input.recent.errorRate,
      latency_ms_p50: input.recent.latencyP50InMs,
      latency_ms_p95: input.recent.latencyP95InMs,
      window_seconds: input.recent.windowSeconds,
    },
    spend_today_usd: input.spendTodayUsd,
  };
}
