import { type Budgets, createBudgets, createPricing } from '@ccb/ledger';
import type { AttemptPlanner, RequestRejection, RouteRequest } from '@ccb/proxy';
import { describe, expect, it } from 'vitest';
import { createBudgetHolds } from './budget-holds.js';
import { createSpendEstimate } from './spend-estimate.js';

const now = () => Date.UTC(2026, 10, 29, 10);

function setUp(budgets: Budgets) {
  const estimate = createSpendEstimate({ pricing: () => createPricing(), providers: () => ['a', 'b'] });
  const holds = createBudgetHolds({ budgets: () => budgets, anyProviderBudget: () => true, estimate });
  return { holds, estimate };
}

const fixedPlanner = (providers: string[]): AttemptPlanner => ({
  route: () => ({ providers }),
  report: () => {},
});

function route(): RouteRequest {
  return { api: 'messages', model: 'claude-sonnet-4-6', inputTokens: 1000 };
}

function admitted(answer: RequestRejection | undefined | Promise<unknown>): RequestRejection | undefined {
  if (answer instanceof Promise) throw new Error('a memory store answers at once');
  return answer;
}

describe('createBudgetHolds', () => {
  it('refuses concurrent requests of a key once their estimates reach its cap, and frees them as they end', () => {
    const budgets = createBudgets({ budgets: [{ scope: 'key', name: 'k', dailyTokens: 3000 }], now });
    const { holds } = setUp(budgets);
    const answers = ['r1', 'r2', 'r3', 'r4'].map((requestId) =>
      admitted(holds.admit({ requestId, clientKeyId: 'k', route: route() })),
    );
    expect(answers.map((answer) => answer?.status)).toEqual([undefined, undefined, undefined, 429]);
    expect(answers[3]?.message).toMatch(
      /^ccb: daily tokens of key k \(3,000 tokens\) is used up; it resets at /,
    );
    holds.end('r1', undefined);
    expect(admitted(holds.admit({ requestId: 'r5', clientKeyId: 'k', route: route() }))).toBeUndefined();
    holds.end('r2', { keyId: 'k', costUsd: 0, tokens: 400 });
    expect(budgets.snapshot()[0]?.used).toBe(400);
  });

  it('costs a request nothing when no budget applies to its key', () => {
    const budgets = createBudgets({ budgets: [{ scope: 'key', name: 'k', dailyTokens: 1 }], now });
    const holds = createBudgetHolds({
      budgets: () => budgets,
      anyProviderBudget: () => false,
      estimate: setUp(budgets).estimate,
    });
    expect(holds.admit({ requestId: 'r1', clientKeyId: 'other', route: route() })).toBeUndefined();
    holds.end('r1', { keyId: 'other', costUsd: 1, tokens: 1 });
    expect(budgets.snapshot()[0]?.used).toBe(0);
  });

  it('routes past a provider whose budget requests in flight have reserved, and counts the one that served', () => {
    const budgets = createBudgets({ budgets: [{ scope: 'provider', name: 'a', dailyTokens: 1500 }], now });
    const { holds } = setUp(budgets);
    const planner = holds.planner(fixedPlanner(['a', 'b']));
    const plans = ['r1', 'r2', 'r3'].map((requestId) => {
      const request = route();
      admitted(holds.admit({ requestId, clientKeyId: '', route: request }));
      return planner.route(request).providers;
    });
    expect(plans).toEqual([['a', 'b'], ['a', 'b'], ['b']]);
    holds.end('r1', { provider: 'a', costUsd: 0, tokens: 100 });
    holds.end('r2', { provider: 'a', costUsd: 0, tokens: 100 });
    holds.end('r3', { provider: 'b', costUsd: 0, tokens: 100 });
    expect(budgets.snapshot()[0]?.used).toBe(200);
    const request = route();
    admitted(holds.admit({ requestId: 'r4', clientKeyId: '', route: request }));
    expect(planner.route(request).providers).toEqual(['a', 'b']);
  });

  it('keeps the plan when every provider is used up, as the router falls back to a benched one', () => {
    const budgets = createBudgets({ budgets: [{ scope: 'provider', name: 'a', dailyTokens: 0 }], now });
    const { holds } = setUp(budgets);
    const request = route();
    admitted(holds.admit({ requestId: 'r1', clientKeyId: '', route: request }));
    expect(holds.planner(fixedPlanner(['a'])).route(request).providers).toEqual(['a']);
  });

  it('reserves what requests of a model spent before, when that is more than the prompt', () => {
    const budgets = createBudgets({ budgets: [{ scope: 'key', name: 'k', dailyTokens: 1 }], now });
    const { estimate } = setUp(budgets);
    expect(estimate.estimate(route(), undefined).tokens).toBe(1000);
    estimate.learn('claude-sonnet-4-6', 0.5, 5000);
    expect(estimate.estimate(route(), 'a')).toEqual({ costUsd: 0.5, tokens: 5000 });
  });

  it('counts a request that ends after a reload changed the budgets toward the new ones, and frees the old', () => {
    const before = createBudgets({ budgets: [{ scope: 'key', name: 'k', dailyTokens: 1000 }], now });
    const after = createBudgets({ budgets: [{ scope: 'key', name: 'k', dailyTokens: 5000 }], now });
    let current = before;
    const holds = createBudgetHolds({
      budgets: () => current,
      anyProviderBudget: () => false,
      estimate: setUp(before).estimate,
    });
    admitted(holds.admit({ requestId: 'r1', clientKeyId: 'k', route: route() }));
    current = after;
    holds.end('r1', { keyId: 'k', costUsd: 0, tokens: 700 });
    expect(after.snapshot()[0]?.used).toBe(700);
    expect(before.snapshot()[0]?.used).toBe(0);
    expect(before.canReserve('key', 'k')).toBe(true);
  });

  it('keeps what the wrapped planner says of its targets', () => {
    const budgets = createBudgets({ budgets: [{ scope: 'key', name: 'k', dailyTokens: 1 }], now });
    const { holds } = setUp(budgets);
    expect(holds.planner({ ...fixedPlanner(['a']), hasOAuthTargets: true }).hasOAuthTargets).toBe(true);
    expect(holds.planner(fixedPlanner(['a'])).hasOAuthTargets).toBeUndefined();
  });
});
