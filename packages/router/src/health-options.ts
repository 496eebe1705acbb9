import { RouterError } from './router-error.js';

/**
 * Tuning of provider health: the circuit breaker, rate-limit cool-downs and budget awareness. Every field is
 * optional; durations are in milliseconds. The config package exposes the same fields under `health:`.
 */
export interface HealthOptions {
  /** Consecutive failures that open the circuit. Default `3`. */
  readonly failureThreshold?: number;
  /** Failure share in the sliding window (0–1) that opens the circuit once reached. Default `0.5`. */
  readonly failureRateThreshold?: number;
  /** Attempts kept in the sliding window (successes and failures; client errors do not count). Default `20`. */
  readonly windowSize?: number;
  /** Attempts the window needs before its failure rate is judged. Default `10`. */
  readonly minRequestsInWindow?: number;
  /** First open period of the circuit in ms. Default `10_000`. */
  readonly cooldownInMs?: number;
  /** Cap of the open period in ms as it grows after failed trials. Default `300_000` (5 min). */
  readonly maxCooldownInMs?: number;
  /** Growth factor of the open period after each failed half-open trial. Default `2`. */
  readonly backoffMultiplier?: number;
  /** Open period after the upstream rejects the provider's credentials (401/403) in ms. Default `600_000`. */
  readonly authFailureCooldownInMs?: number;
  /** Cool-down after a 429 whose headers give no usable reset time, in ms. Default `10_000`. */
  readonly rateLimitDefaultCooldownInMs?: number;
  /** Cool-down after a 529 / `overloaded_error` without `retry-after`, in ms. Default `2_000`. */
  readonly overloadedCooldownInMs?: number;
  /** Longest cool-down after a request-scoped 429 (`x-should-retry: true`, no rate-limit headers), in ms. Default `1_000`. */
  readonly requestScoped429CooldownInMs?: number;
  /** Bench after a spend-limit or billing failure unless `reset(name)` comes first, in ms. Default `86_400_000` (24 h). */
  readonly spendLimitCooldownInMs?: number;
  /** Remaining/limit fraction under which a provider is ordered last in its tier. Default `0.05`. */
  readonly lowBudgetThreshold?: number;
  /** Subscription window utilization (0–1) from which a provider is ordered last in its tier. Default `0.9`. */
  readonly unifiedUtilizationThreshold?: number;
  /**
   * How long a half-open trial request holds its slot, in ms. The trial normally ends with its report; the
   * lease only matters when a plan's trial was never attempted (an earlier target answered). Default `60_000`.
   */
  readonly halfOpenTrialTimeoutInMs?: number;
}

/** {@link HealthOptions} with every default applied. */
export type ResolvedHealthOptions = { readonly [Key in keyof HealthOptions]-?: number };

const defaults: ResolvedHealthOptions = {
  failureThreshold: 3,
  failureRateThreshold: 0.5,
  windowSize: 20,
  minRequestsInWindow: 10,
  cooldownInMs: 10_000,
  maxCooldownInMs: 300_000,
  backoffMultiplier: 2,
  authFailureCooldownInMs: 600_000,
  rateLimitDefaultCooldownInMs: 10_000,
  overloadedCooldownInMs: 2_000,
  requestScoped429CooldownInMs: 1_000,
  spendLimitCooldownInMs: 86_400_000,
  lowBudgetThreshold: 0.05,
  unifiedUtilizationThreshold: 0.9,
  halfOpenTrialTimeoutInMs: 60_000,
};

type Rule = 'positive-integer' | 'non-negative' | 'fraction' | 'at-least-one';

const rules: { readonly [Key in keyof ResolvedHealthOptions]: Rule } = {
  failureThreshold: 'positive-integer',
  failureRateThreshold: 'fraction',
  windowSize: 'positive-integer',
  minRequestsInWindow: 'positive-integer',
  cooldownInMs: 'non-negative',
  maxCooldownInMs: 'non-negative',
  backoffMultiplier: 'at-least-one',
  authFailureCooldownInMs: 'non-negative',
  rateLimitDefaultCooldownInMs: 'non-negative',
  overloadedCooldownInMs: 'non-negative',
  requestScoped429CooldownInMs: 'non-negative',
  spendLimitCooldownInMs: 'non-negative',
  lowBudgetThreshold: 'fraction',
  unifiedUtilizationThreshold: 'fraction',
  halfOpenTrialTimeoutInMs: 'non-negative',
};

const ruleText: Record<Rule, string> = {
  'positive-integer': 'a whole number of at least 1',
  'non-negative': 'a finite number of at least 0',
  fraction: 'a number from 0 to 1',
  'at-least-one': 'a finite number of at least 1',
};

function satisfies(value: unknown, rule: Rule): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  switch (rule) {
    case 'positive-integer':
      return Number.isInteger(value) && value >= 1;
    case 'non-negative':
      return value >= 0;
    case 'fraction':
      return value >= 0 && value <= 1;
    case 'at-least-one':
      return value >= 1;
  }
}

/**
 * Applies defaults and validates.
 * @throws {RouterError} `CCB_ROUTER_INVALID_OPTIONS` naming the field, e.g. `health.windowSize`.
 */
export function resolveHealthOptions(options: HealthOptions = {}): ResolvedHealthOptions {
  const resolved: Record<string, number> = { ...defaults };
  for (const key of Object.keys(rules) as (keyof ResolvedHealthOptions)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!satisfies(value, rules[key])) {
      throw new RouterError(
        'CCB_ROUTER_INVALID_OPTIONS',
        `Invalid router option health.${key}: expected ${ruleText[rules[key]]}, got ${String(value)}.`,
      );
    }
    resolved[key] = value;
  }
  if ((resolved.maxCooldownInMs as number) < (resolved.cooldownInMs as number)) {
    throw new RouterError(
      'CCB_ROUTER_INVALID_OPTIONS',
      `Invalid router option health.maxCooldownInMs: ${resolved.maxCooldownInMs} is below health.cooldownInMs (${resolved.cooldownInMs}); raise it or lower cooldownInMs.`,
    );
  }
  if ((resolved.minRequestsInWindow as number) > (resolved.windowSize as number)) {
    throw new RouterError(
      'CCB_ROUTER_INVALID_OPTIONS',
      `Invalid router option health.minRequestsInWindow: ${resolved.minRequestsInWindow} exceeds health.windowSize (${resolved.windowSize}), so the failure rate would never be judged.`,
    );
  }
  return Object.freeze(resolved) as ResolvedHealthOptions;
}
