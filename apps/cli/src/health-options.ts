import type { HealthConfig } from '@ccb/config';
import type { HealthOptions } from '@ccb/router';

/** The router's health options from the `health:` section (snake_case YAML to the library's camelCase). */
export function toHealthOptions(health: HealthConfig): HealthOptions | false {
  if (!health.enabled) return false;
  return {
    failureThreshold: health.failure_threshold,
    failureRateThreshold: health.failure_rate_threshold,
    windowSize: health.window_size,
    minRequestsInWindow: health.min_requests_in_window,
    cooldownInMs: health.cooldown,
    maxCooldownInMs: health.max_cooldown,
    backoffMultiplier: health.backoff_multiplier,
    authFailureCooldownInMs: health.auth_failure_cooldown,
    rateLimitDefaultCooldownInMs: health.rate_limit_cooldown,
    overloadedCooldownInMs: health.overloaded_cooldown,
    requestScoped429CooldownInMs: health.request_scoped_429_cooldown,
    spendLimitCooldownInMs: health.spend_limit_cooldown,
    lowBudgetThreshold: health.low_budget_threshold,
    unifiedUtilizationThreshold: health.unified_utilization_threshold,
    halfOpenTrialTimeoutInMs: health.half_open_trial_timeout,
  };
}
