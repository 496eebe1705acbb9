import { describe, expect, it } from 'vitest';
import { resolveHealthOptions } from './health-options.js';
import { RouterError } from './router-error.js';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return RouterError.is(error) ? error.code : 'not a RouterError';
  }
  return undefined;
}

describe('resolveHealthOptions', () => {
  it('applies the documented defaults', () => {
    expect(resolveHealthOptions()).toEqual({
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
    });
  });

  it('keeps given values and accepts the edges of each range', () => {
    const resolved = resolveHealthOptions({
      failureRateThreshold: 1,
      lowBudgetThreshold: 0,
      cooldownInMs: 0,
    });
    expect(resolved).toMatchObject({ failureRateThreshold: 1, lowBudgetThreshold: 0, cooldownInMs: 0 });
  });

  it.each([
    [{ failureThreshold: 0 }],
    [{ failureThreshold: 1.5 }],
    [{ windowSize: Number.NaN }],
    [{ cooldownInMs: -1 }],
    [{ failureRateThreshold: 1.01 }],
    [{ backoffMultiplier: 0.5 }],
    [{ cooldownInMs: 20_000, maxCooldownInMs: 10_000 }],
    [{ windowSize: 5, minRequestsInWindow: 6 }],
    [{ spendLimitCooldownInMs: '1d' as unknown as number }],
  ])('rejects %o with CCB_ROUTER_INVALID_OPTIONS', (options) => {
    expect(codeOf(() => resolveHealthOptions(options))).toBe('CCB_ROUTER_INVALID_OPTIONS');
  });
});
