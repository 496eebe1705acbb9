import { describe, expect, it } from 'vitest';
import type { BudgetAmount, BudgetStore } from './budget-store.js';
import { createMemoryBudgetStore } from './budget-store.js';
import { createBudgets } from './create-budgets.js';

/** 2026-11-29 10:00 UTC. */
const now = Date.UTC(2026, 10, 29, 10);
const dayStart = Date.UTC(2026, 10, 29);
const monthStart = Date.UTC(2026, 10, 1);

/**
 * A store that can lose its counters, as a shared one can: the memory store, plus `raiseTo` with the contract's
 * "never lowers" rule, recording what it was asked.
 */
function losableStore() {
  const inner = createMemoryBudgetStore();
  const raised: BudgetAmount[][] = [];
  const store: BudgetStore = {
    add: inner.add,
    read: inner.read,
    reserve: inner.reserve,
    settle: inner.settle,
    async raiseTo(amounts) {
      raised.push([...amounts]);
      for (const amount of amounts) {
        const current = inner.read(amount.counter, amount.windowStartInMs);
        inner.add(
          amount.counter,
          amount.windowStartInMs,
          Math.max(0, amount.costUsd - current.costUsd),
          Math.max(0, amount.tokens - current.tokens),
        );
      }
    },
  };
  return { store, raised };
}

/** A ledger that spent `usd` on provider p and key k since any window start. */
const ledger = (usd: number) => ({
  spend: ({ scope, sinceInMs }: { scope: string; sinceInMs: number }) =>
    scope === 'provider'
      ? { costUsd: sinceInMs === monthStart ? usd * 2 : usd, tokens: 100 }
      : { costUsd: 0, tokens: 0 },
});

describe('Budgets.restoreFrom', () => {
  it("raises the day's and month's counters of every budget to the ledger's spend, and the budget then refuses", async () => {
    const { store, raised } = losableStore();
    const budgets = createBudgets({
      budgets: [
        { scope: 'provider', name: 'p', dailyUsd: 5 },
        { scope: 'key', name: 'k', dailyUsd: 5 },
      ],
      store,
      now: () => now,
    });
    expect(budgets.check('provider', 'p').exceeded).toBe(false);
    await budgets.restoreFrom(ledger(6), now);
    // Key k spent nothing: no amount for it.
    expect(raised).toEqual([
      [
        {
          counter: 'provider:p:day',
          windowStartInMs: dayStart,
          windowEndInMs: Date.UTC(2026, 10, 30),
          costUsd: 6,
          tokens: 100,
        },
        {
          counter: 'provider:p:month',
          windowStartInMs: monthStart,
          windowEndInMs: Date.UTC(2026, 11, 1),
          costUsd: 12,
          tokens: 100,
        },
      ],
    ]);
    expect(budgets.check('provider', 'p').exceeded).toBe(true);
    expect(budgets.canReserve('provider', 'p')).toBe(false);
    // Asked again with a ledger that lags the store: nothing is lowered.
    await budgets.restoreFrom(ledger(1), now);
    expect(budgets.check('provider', 'p').exceeded).toBe(true);
  });

  it('does nothing with a store that cannot lose its counters', async () => {
    const budgets = createBudgets({
      budgets: [{ scope: 'provider', name: 'p', dailyUsd: 5 }],
      now: () => now,
    });
    await budgets.restoreFrom(ledger(6), now);
    expect(budgets.check('provider', 'p').exceeded).toBe(false);
  });
});
