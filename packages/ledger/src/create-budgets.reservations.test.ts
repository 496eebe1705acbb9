import { describe, expect, it } from 'vitest';
import type { BudgetReserveOutcome, Budgets } from './budgets.js';
import { createBudgets } from './create-budgets.js';

/** 2026-11-29 10:00 UTC; the day ends at 2026-11-30 00:00. */
const start = Date.UTC(2026, 10, 29, 10);
const nextDay = Date.UTC(2026, 10, 30);

function clock(initial = start) {
  let time = initial;
  return { now: () => time, set: (value: number) => (time = value) };
}

/** A local store answers at once: a promise here would be a store that is not local. */
function sync(outcome: BudgetReserveOutcome | Promise<BudgetReserveOutcome>): BudgetReserveOutcome {
  if (outcome instanceof Promise) throw new Error('the memory store answered asynchronously');
  return outcome;
}

function granted(outcome: BudgetReserveOutcome) {
  if (!outcome.granted) throw new Error(`refused: ${outcome.budget}`);
  return outcome.reservation;
}

function keyBudgets(dailyUsd: number, time = clock()): Budgets {
  return createBudgets({ budgets: [{ scope: 'key', name: 'k', dailyUsd }], now: time.now });
}

describe('Budgets.reserve', () => {
  it('stops 20 concurrent reservations within one request of the cap', async () => {
    const budgets = keyBudgets(1);
    const requestCostUsd = 0.15;
    // All 20 arrive before any settles, as concurrent requests do; each settles after a turn of the event loop.
    const outcomes = Array.from({ length: 20 }, () =>
      sync(budgets.reserve({ keyId: 'k', costUsd: requestCostUsd, tokens: 10 })),
    );
    await Promise.all(
      outcomes.map(async (outcome) => {
        await new Promise((resolve) => setImmediate(resolve));
        if (outcome.granted) outcome.reservation.settle({ keyId: 'k', costUsd: requestCostUsd, tokens: 10 });
      }),
    );
    const served = outcomes.filter((outcome) => outcome.granted).length;
    expect(served).toBe(7);
    const spent = served * requestCostUsd;
    expect(spent).toBeGreaterThanOrEqual(1);
    expect(spent).toBeLessThan(1 + requestCostUsd);
  });

  it('refuses with the used-up cap and when it resets, like check()', () => {
    const budgets = keyBudgets(0.5);
    granted(sync(budgets.reserve({ keyId: 'k', costUsd: 0.5, tokens: 1 })));
    expect(sync(budgets.reserve({ keyId: 'k', costUsd: 0.01, tokens: 1 }))).toEqual({
      granted: false,
      budget: 'daily spend of key k ($0.50)',
      resetsAt: nextDay,
    });
  });

  it('frees a released reservation for the next request and counts nothing for it', () => {
    const budgets = keyBudgets(1);
    const first = granted(sync(budgets.reserve({ keyId: 'k', costUsd: 1, tokens: 1 })));
    expect(sync(budgets.reserve({ keyId: 'k', costUsd: 1, tokens: 1 })).granted).toBe(false);
    first.release();
    first.release();
    expect(budgets.snapshot()[0]?.used).toBe(0);
    expect(sync(budgets.reserve({ keyId: 'k', costUsd: 1, tokens: 1 })).granted).toBe(true);
  });

  it('settles the actual spend in place of the estimate, once', () => {
    const budgets = keyBudgets(1);
    const reservation = granted(sync(budgets.reserve({ keyId: 'k', costUsd: 0.9, tokens: 1 })));
    reservation.settle({ keyId: 'k', costUsd: 0.2, tokens: 5 });
    reservation.settle({ keyId: 'k', costUsd: 0.2, tokens: 5 });
    expect(budgets.snapshot()[0]?.used).toBeCloseTo(0.2);
    expect(budgets.canReserve('key', 'k')).toBe(true);
  });

  it('lets an unsettled reservation expire, so a lost request cannot hold the budget forever', () => {
    const time = clock();
    const budgets = createBudgets({
      budgets: [{ scope: 'key', name: 'k', dailyUsd: 1 }],
      now: time.now,
      reservationTtlInMs: 60_000,
    });
    granted(sync(budgets.reserve({ keyId: 'k', costUsd: 1, tokens: 1 })));
    time.set(start + 59_999);
    expect(sync(budgets.reserve({ keyId: 'k', costUsd: 0.1, tokens: 1 })).granted).toBe(false);
    time.set(start + 60_000);
    expect(sync(budgets.reserve({ keyId: 'k', costUsd: 0.1, tokens: 1 })).granted).toBe(true);
  });

  it('holds a provider and a key together, and refuses both when either is used up', () => {
    const budgets = createBudgets({
      budgets: [
        { scope: 'provider', name: 'p', dailyTokens: 100 },
        { scope: 'key', name: 'k', monthlyUsd: 10 },
      ],
      now: clock().now,
    });
    granted(sync(budgets.reserve({ provider: 'p', keyId: 'k', costUsd: 1, tokens: 100 })));
    expect(budgets.canReserve('provider', 'p')).toBe(false);
    const refused = sync(budgets.reserve({ provider: 'p', keyId: 'k', costUsd: 1, tokens: 1 }));
    expect(refused).toMatchObject({ granted: false, budget: 'daily tokens of provider p (100 tokens)' });
    // The refused reservation took nothing from the key.
    expect(sync(budgets.reserve({ keyId: 'k', costUsd: 9, tokens: 1 })).granted).toBe(true);
    expect(sync(budgets.reserve({ keyId: 'k', costUsd: 0, tokens: 0 })).granted).toBe(false);
  });

  it('counts a settled request toward the provider that served it, not the one reserved', () => {
    const budgets = createBudgets({
      budgets: [
        { scope: 'provider', name: 'a', dailyUsd: 1 },
        { scope: 'provider', name: 'b', dailyUsd: 1 },
      ],
      now: clock().now,
    });
    const reservation = granted(sync(budgets.reserve({ provider: 'a', costUsd: 0.5, tokens: 1 })));
    reservation.settle({ provider: 'b', costUsd: 1, tokens: 1 });
    expect(budgets.check('provider', 'a').exceeded).toBe(false);
    expect(budgets.check('provider', 'b').exceeded).toBe(true);
  });

  it('grants an unbudgeted claim at once and counts its settlement like add()', () => {
    const budgets = keyBudgets(1);
    const free = granted(sync(budgets.reserve({ keyId: 'other', provider: 'p', costUsd: 5, tokens: 1 })));
    expect(budgets.applies('key', 'other')).toBe(false);
    free.settle({ keyId: 'k', costUsd: 1, tokens: 1 });
    expect(budgets.check('key', 'k').exceeded).toBe(true);
  });

  it('starts a new day without the reservations of the last one', () => {
    const time = clock();
    const budgets = keyBudgets(1, time);
    const yesterday = granted(sync(budgets.reserve({ keyId: 'k', costUsd: 1, tokens: 1 })));
    time.set(nextDay);
    expect(budgets.canReserve('key', 'k')).toBe(true);
    yesterday.settle({ keyId: 'k', costUsd: 0.3, tokens: 1 });
    expect(budgets.snapshot()[0]?.used).toBeCloseTo(0.3);
  });
});
