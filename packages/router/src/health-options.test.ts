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
      cooldownMs: 10_000,
      maxCooldownMs: 300_000,
      backoffMultiplier: 2,
      authFailureCooldownMs: 600_000,
      rateLimitDefaultCooldownMs: 10_000,
      overloadedCooldownMs: 2_000,
      requestScoped429CooldownMs: 1_000,
      spendLimitCooldownMs: 86_400_000,
      lowBudgetThreshold: 0.05,
      unifiedUtilizationThreshold: 0.9,
      halfOpenTrialTimeoutMs: 60_000,
    });
  });

  it('keeps given values and accepts the edges of each range', () => {
    const resolved = resolveHealthOptions({ failureRateThreshold: 1, lowBudgetThreshold: 0, cooldownMs: 0 });
    expect(resolved).toMatchObject({ failureRateThreshold: 1, lowBudgetThreshold: 0, cooldownMs: 0 });
  });

  it.each([
    [{ failureThreshold: 0 }],
    [{ failureThreshold: 1.5 }],
    [{ windowSize: Number.NaN }],
    [{ cooldownMs: -1 }],
    [{ failureRateThreshold: 1.01 }],
    [{ backoffMultiplier: 0.5 }],
    [{ cooldownMs: 20_000, maxCooldownMs: 10_000 }],
    [{ windowSize: 5, minRequestsInWindow: 6 }],
    [{ spendLimitCooldownMs: '1d' as unknown as number }],
  ])('rejects %o with CCB_ROUTER_INVALID_OPTIONS', (options) => {
    expect(codeOf(() => resolveHealthOptions(options))).toBe('CCB_ROUTER_INVALID_OPTIONS');
  });
});
