import { describe, expect, it, vi } from 'vitest';
import { ledgerRow } from '../test/ledger-rows.js';
import { createBudgets } from './create-budgets.js';
import { createLedger } from './create-ledger.js';
import { LedgerError } from './ledger-error.js';

const hourInMs = 3_600_000;
/** 2026-11-29 10:00 UTC; the day ends at 2026-11-30 00:00, the month at 2026-12-01 00:00. */
const start = Date.UTC(2026, 10, 29, 10);
const nextDay = Date.UTC(2026, 10, 30);
const nextMonth = Date.UTC(2026, 11, 1);

function clock(initial = start) {
  let time = initial;
  return { now: () => time, set: (value: number) => (time = value) };
}

describe('createBudgets caps', () => {
  it('stops a provider at its daily USD cap until the next UTC day', () => {
    const time = clock();
    const budgets = createBudgets({
      budgets: [{ scope: 'provider', name: 'x', dailyUsd: 5 }],
      now: time.now,
    });
    budgets.add({ provider: 'x', costUsd: 4.99, tokens: 10 });
    expect(budgets.check('provider', 'x')).toEqual({ exceeded: false });
    budgets.add({ provider: 'x', costUsd: 0.01, tokens: 10 });
    expect(budgets.check('provider', 'x')).toEqual({
      exceeded: true,
      budget: 'daily spend of provider x ($5.00)',
      resetsAt: nextDay,
    });
    time.set(nextDay - 1);
    expect(budgets.check('provider', 'x').exceeded).toBe(true);
    time.set(nextDay);
    expect(budgets.check('provider', 'x')).toEqual({ exceeded: false });
  });

  it('stops a provider at its monthly token cap until the first of the next month', () => {
    const time = clock();
    const budgets = createBudgets({
      budgets: [{ scope: 'provider', name: 'x', monthlyTokens: 1_000_000 }],
      now: time.now,
    });
    budgets.add({ provider: 'x', costUsd: 0, tokens: 600_000 });
    time.set(nextDay + hourInMs);
    budgets.add({ provider: 'x', costUsd: 0, tokens: 400_000 });
    expect(budgets.check('provider', 'x')).toEqual({
      exceeded: true,
      budget: 'monthly tokens of provider x (1,000,000 tokens)',
      resetsAt: nextMonth,
    });
    time.set(nextMonth);
    expect(budgets.check('provider', 'x').exceeded).toBe(false);
  });

  it('stops a key at its daily token and monthly USD caps, reporting the later reset', () => {
    const time = clock();
    const budgets = createBudgets({
      budgets: [{ scope: 'key', name: 'key-a', dailyTokens: 1000, monthlyUsd: 20 }],
      now: time.now,
    });
    budgets.add({ keyId: 'key-a', costUsd: 1, tokens: 1000 });
    expect(budgets.check('key', 'key-a')).toMatchObject({
      budget: 'daily tokens of key key-a (1,000 tokens)',
      resetsAt: nextDay,
    });
    budgets.add({ keyId: 'key-a', costUsd: 19, tokens: 1 });
    expect(budgets.check('key', 'key-a')).toMatchObject({
      budget: 'monthly spend of key key-a ($20.00)',
      resetsAt: nextMonth,
    });
    time.set(nextDay);
    expect(budgets.check('key', 'key-a')).toMatchObject({ exceeded: true, resetsAt: nextMonth });
    time.set(nextMonth);
    expect(budgets.check('key', 'key-a').exceeded).toBe(false);
  });

  it("gives each key its own counters under a '*' budget", () => {
    const budgets = createBudgets({ budgets: [{ scope: 'key', name: '*', dailyUsd: 1 }], now: clock().now });
    budgets.add({ keyId: 'key-a', costUsd: 1, tokens: 0 });
    budgets.add({ keyId: 'key-b', costUsd: 0.5, tokens: 0 });
    expect(budgets.check('key', 'key-a')).toMatchObject({
      exceeded: true,
      budget: 'daily spend of key key-a ($1.00)',
    });
    expect(budgets.check('key', 'key-b').exceeded).toBe(false);
    expect(budgets.check('key', 'key-c').exceeded).toBe(false);
  });

  it('counts one request toward both its provider and its key, and ignores the unbudgeted', () => {
    const budgets = createBudgets({
      budgets: [
        { scope: 'provider', name: 'x', dailyUsd: 2 },
        { scope: 'key', name: 'key-a', dailyUsd: 2 },
      ],
      now: clock().now,
    });
    budgets.add({ provider: 'x', keyId: 'key-a', costUsd: 2, tokens: 0 });
    budgets.add({ provider: 'y', keyId: 'key-z', costUsd: 100, tokens: 0 });
    expect(budgets.check('provider', 'x').exceeded).toBe(true);
    expect(budgets.check('key', 'key-a').exceeded).toBe(true);
    expect(budgets.check('provider', 'y').exceeded).toBe(false);
  });

  it('lists every cap with its use in snapshot()', () => {
    const budgets = createBudgets({
      budgets: [{ scope: 'provider', name: 'x', dailyUsd: 5, monthlyTokens: 100 }],
      now: clock().now,
    });
    budgets.add({ provider: 'x', costUsd: 1.5, tokens: 120 });
    expect(budgets.snapshot()).toEqual([
      {
        scope: 'provider',
        name: 'x',
        window: 'day',
        metric: 'usd',
        limit: 5,
        used: 1.5,
        resetsAt: nextDay,
        exceeded: false,
        budget: 'daily spend of provider x ($5.00)',
      },
      {
        scope: 'provider',
        name: 'x',
        window: 'month',
        metric: 'tokens',
        limit: 100,
        used: 120,
        resetsAt: nextMonth,
        exceeded: true,
        budget: 'monthly tokens of provider x (100 tokens)',
      },
    ]);
  });
});

describe('createBudgets after a restart', () => {
  function ledgerWithHistory() {
    const ledger = createLedger({ path: ':memory:', now: () => start });
    // Last month, earlier this month, earlier today.
    ledger.record(
      ledgerRow({ time: Date.UTC(2026, 9, 31, 23), provider: 'x', clientKeyId: 'key-a', costUsd: 50 }),
    );
    ledger.record(
      ledgerRow({ time: Date.UTC(2026, 10, 2), provider: 'x', clientKeyId: 'key-a', costUsd: 7 }),
    );
    ledger.record(ledgerRow({ time: start - hourInMs, provider: 'x', clientKeyId: 'key-b', costUsd: 3 }));
    return ledger;
  }

  it('restores the current day and month from the ledger', () => {
    const ledger = ledgerWithHistory();
    const budgets = createBudgets({
      budgets: [{ scope: 'provider', name: 'x', dailyUsd: 4, monthlyUsd: 10 }],
      now: () => start,
      ledger,
    });
    const used = budgets.snapshot().map((status) => [status.window, status.used]);
    expect(used).toEqual([
      ['day', 3],
      ['month', 10],
    ]);
    expect(budgets.check('provider', 'x')).toMatchObject({ budget: 'monthly spend of provider x ($10.00)' });
    ledger.close();
  });

  it("restores a key of a '*' budget when it is first seen, without counting this process's requests twice", () => {
    const ledger = ledgerWithHistory();
    const time = clock();
    const budgets = createBudgets({
      budgets: [{ scope: 'key', name: '*', monthlyUsd: 10 }],
      now: time.now,
      ledger,
    });
    time.set(start + hourInMs);
    // The proxy records first, then counts: the restore must not read this request back from the ledger.
    ledger.record(ledgerRow({ time: start + hourInMs, provider: 'x', clientKeyId: 'key-a', costUsd: 2 }));
    budgets.add({ provider: 'x', keyId: 'key-a', costUsd: 2, tokens: 150 });
    expect(budgets.snapshot()).toEqual([expect.objectContaining({ name: 'key-a', used: 9 })]);
    expect(budgets.check('key', 'key-b')).toEqual({ exceeded: false });
    expect(budgets.snapshot().map((status) => [status.name, status.used])).toEqual([
      ['key-a', 9],
      ['key-b', 3],
    ]);
    ledger.close();
  });

  it('starts from zero in a window that began after the restart', () => {
    const ledger = ledgerWithHistory();
    const time = clock();
    const budgets = createBudgets({
      budgets: [{ scope: 'key', name: '*', dailyUsd: 10 }],
      now: time.now,
      ledger,
    });
    time.set(nextDay + hourInMs);
    expect(budgets.check('key', 'key-b')).toEqual({ exceeded: false });
    expect(budgets.snapshot()).toEqual([expect.objectContaining({ name: 'key-b', used: 0 })]);
    ledger.close();
  });

  it('reports a failed read-back of a new key through onError and keeps counting', () => {
    const onError = vi.fn();
    const failure = new LedgerError('CCB_LEDGER_QUERY_FAILED', 'disk gone');
    const budgets = createBudgets({
      budgets: [{ scope: 'key', name: '*', dailyUsd: 1 }],
      now: clock().now,
      ledger: {
        spend: () => {
          throw failure;
        },
      },
      onError,
    });
    budgets.add({ keyId: 'key-a', costUsd: 1, tokens: 0 });
    expect(onError).toHaveBeenCalledWith(failure);
    expect(budgets.check('key', 'key-a').exceeded).toBe(true);
  });
});

describe('createBudgets options', () => {
  it.each([
    [[{ scope: 'team', name: 'x', dailyUsd: 1 }], 'scope'],
    [[{ scope: 'provider', name: '', dailyUsd: 1 }], 'name'],
    [[{ scope: 'provider', name: '*', dailyUsd: 1 }], "'*'"],
    [[{ scope: 'provider', name: 'x' }], 'no cap'],
    [[{ scope: 'provider', name: 'x', dailyUsd: -5 }], 'dailyUsd'],
  ])('rejects a malformed budget with CCB_LEDGER_INVALID_OPTIONS (%#)', (budgets, problem) => {
    expect(() => createBudgets({ budgets: budgets as never })).toThrow(
      expect.objectContaining({
        code: 'CCB_LEDGER_INVALID_OPTIONS',
        message: expect.stringContaining(problem),
      }),
    );
  });
});
