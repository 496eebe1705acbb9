import type { BudgetReadings, UnifiedReading } from '@ccb/protocol';
import type { ResolvedHealthOptions } from './health-options.js';
import type { DeprioritizedReason } from './health-store.js';

/** A usable provider that should be tried last in its tier until `until` (ms epoch). */
export interface BudgetPressure {
  readonly reason: DeprioritizedReason;
  readonly until: number;
}

const budgetKinds = ['requests', 'tokens', 'inputTokens', 'outputTokens'] as const;

/**
 * Decides whether a provider runs short: an API-key budget under `lowBudgetThreshold` of its limit until that
 * budget's reset, a subscription `allowed_warning` until the unified reset, or a subscription window used at
 * `unifiedUtilizationThreshold` or more until that window's reset. The latest deadline wins. A reading without a
 * reset time holds for `rateLimitDefaultCooldownInMs`, so that a missing header cannot demote a provider forever.
 */
export function readBudgetPressure(
  budget: BudgetReadings,
  unified: UnifiedReading | null,
  nowInMs: number,
  options: ResolvedHealthOptions,
): BudgetPressure | undefined {
  let reason: DeprioritizedReason | undefined;
  let until = Number.NEGATIVE_INFINITY;

  for (const kind of budgetKinds) {
    const reading = budget[kind];
    if (reading === null || reading.limit === null || reading.remaining === null || reading.limit <= 0)
      continue;
    if (reading.remaining / reading.limit >= options.lowBudgetThreshold) continue;
    const deadline = deadlineFor(reading.resetAt, nowInMs, options);
    if (deadline > until) {
      reason = 'low-budget';
      until = deadline;
    }
  }

  if (unified !== null) {
    if (unified.status === 'allowed_warning') {
      const deadline = deadlineFor(unified.resetAt, nowInMs, options);
      if (deadline > until) {
        reason = 'unified-warning';
        until = deadline;
      }
    }
    for (const window in unified.windows) {
      // `overage` is extra usage bought on top of the windows, not a limit that should demote the provider.
      if (window === 'overage') continue;
      const reading = unified.windows[window];
      if (reading?.utilization == null || reading.utilization < options.unifiedUtilizationThreshold) continue;
      const deadline = deadlineFor(reading.resetAt, nowInMs, options);
      if (deadline > until) {
        reason = 'unified-utilization';
        until = deadline;
      }
    }
  }
  return reason === undefined ? undefined : { reason, until };
}

function deadlineFor(resetAt: number | null, nowInMs: number, options: ResolvedHealthOptions): number {
  return resetAt !== null && resetAt > nowInMs ? resetAt : nowInMs + options.rateLimitDefaultCooldownInMs;
}
