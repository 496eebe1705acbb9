import type { Config } from '@ccb/config';
import type { KeyFingerprint } from '@ccb/proxy';
import type { BudgetReading, ProviderHealth, UnifiedReading } from '@ccb/router';
import type { RecentSummary } from './recent-attempts.js';
import type { ProviderOverride, RoutingFields } from '../reload/runtime-overrides.js';

type ProviderConfig = Config['providers'][number];

/** Everything the admin API says about one provider. Holds no secret: a key shows as its fingerprint. */
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

const iso = (at: number | null | undefined) => (at === null || at === undefined ? null : new Date(at).toISOString());

/** Whether a provider serves, is disabled, drains its last requests, or has drained. */
export function providerState(override: ProviderOverride, effective: RoutingFields, inFlight: number) {
  if (override.draining === true) return inFlight > 0 ? 'draining' : 'drained';
  return effective.enabled ? 'serving' : 'disabled';
}

/** The admin API's view of one provider (snake_case, ISO times). */
export function providerView(input: ProviderViewInput) {
  const { provider, override, effective, health } = input;
  return {
    name: provider.name,
    base_url: provider.base_url,
    auth_type: provider.auth_type,
    key_fingerprint: provider.api_key === undefined ? null : input.fingerprint(provider.api_key),
    models: [...provider.models],
    configured: { weight: provider.weight, priority: provider.priority, enabled: provider.enabled },
    overrides: {
      ...(override.weight !== undefined ? { weight: override.weight } : {}),
      ...(override.priority !== undefined ? { priority: override.priority } : {}),
      ...(override.enabled !== undefined ? { enabled: override.enabled } : {}),
      ...(override.draining !== undefined ? { draining: override.draining } : {}),
    },
    effective: { ...effective },
    state: providerState(override, effective, input.inFlight),
    health: {
      circuit: health?.state ?? 'closed',
      usable: health?.usable ?? false,
      serving: health?.serving ?? false,
      reason: health?.reason ?? null,
      cooling_down_until: iso(health?.coolingDownUntil),
      rate_limit_class: health?.rateLimitClass ?? null,
      consecutive_failures: health?.consecutiveFailures ?? 0,
      failure_rate: health?.failureRate ?? 0,
      last_error:
        health?.lastError == null
          ? null
          : {
              kind: health.lastError.kind,
              status: health.lastError.status,
              error_type: health.lastError.errorType,
              at: iso(health.lastError.at),
            },
      last_success_at: iso(health?.lastSuccessAt),
    },
    rate_limit: {
      requests: budgetView(health?.budget.requests),
      tokens: budgetView(health?.budget.tokens),
      input_tokens: budgetView(health?.budget.inputTokens),
      output_tokens: budgetView(health?.budget.outputTokens),
    },
    unified: unifiedView(health?.unified ?? null),
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

/** The admin API's provider, as built by {@link providerView}. */
export type ProviderView = ReturnType<typeof providerView>;

function budgetView(reading: BudgetReading | null | undefined) {
  if (reading == null) return null;
  return { limit: reading.limit, remaining: reading.remaining, reset_at: iso(reading.resetAt) };
}

function unifiedView(reading: UnifiedReading | null) {
  if (reading === null) return null;
  return {
    status: reading.status,
    reset_at: iso(reading.resetAt),
    windows: Object.fromEntries(
      Object.entries(reading.windows).map(([name, window]) => [
        name,
        { status: window.status, utilization: window.utilization, reset_at: iso(window.resetAt) },
      ]),
    ),
  };
}
