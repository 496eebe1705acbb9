import { describe, expect, it } from 'vitest';
import { createMemoryBudgetStore } from './budget-store.js';

describe('createMemoryBudgetStore', () => {
  it('sums spend per counter and window', () => {
    const store = createMemoryBudgetStore();
    store.add('provider:x:day', 1000, 1.5, 10);
    store.add('provider:x:day', 1000, 0.5, 5);
    store.add('provider:y:day', 1000, 9, 9);
    expect(store.read('provider:x:day', 1000)).toMatchObject({ costUsd: 2, tokens: 15 });
    expect(store.read('provider:z:day', 1000)).toMatchObject({ costUsd: 0, tokens: 0 });
  });

  it('starts a newer window from zero and forgets the older one', () => {
    const store = createMemoryBudgetStore();
    store.add('key:a:day', 1000, 3, 30);
    store.add('key:a:day', 2000, 1, 10);
    expect(store.read('key:a:day', 2000)).toMatchObject({ costUsd: 1, tokens: 10 });
    expect(store.read('key:a:day', 1000)).toMatchObject({ costUsd: 0, tokens: 0 });
  });

  it('drops spend added to a window that is already over', () => {
    const store = createMemoryBudgetStore();
    store.add('key:a:day', 2000, 1, 10);
    store.add('key:a:day', 1000, 5, 50);
    expect(store.read('key:a:day', 2000)).toMatchObject({ costUsd: 1, tokens: 10 });
  });

  it('takes every hold of a reservation or none, and settles the actual spend in its place', () => {
    const store = createMemoryBudgetStore();
    const day = { windowStartInMs: 1000, windowEndInMs: 2000 };
    store.add('key:a:day', 1000, 4, 0);
    const holds = [
      { counter: 'provider:x:day', ...day, costUsd: 1, tokens: 10, limitTokens: 100 },
      { counter: 'key:a:day', ...day, costUsd: 1, tokens: 10, limitUsd: 4 },
    ];
    expect(store.reserve({ id: 'r1', holds, nowInMs: 1000, expiresAtInMs: 1500 })).toEqual({
      granted: false,
      refusedHold: 1,
    });
    expect(store.read('provider:x:day', 1000)).toMatchObject({ reservedCostUsd: 0, reservedTokens: 0 });
    store.add('key:a:day', 1000, -1, 0);
    expect(store.reserve({ id: 'r2', holds, nowInMs: 1000, expiresAtInMs: 1500 })).toEqual({ granted: true });
    expect(store.read('key:a:day', 1000)).toMatchObject({
      costUsd: 3,
      reservedCostUsd: 1,
      reservedTokens: 10,
    });
    store.settle({ id: 'r2', holds, spend: [{ counter: 'key:a:day', ...day, costUsd: 0.5, tokens: 7 }] });
    expect(store.read('key:a:day', 1000)).toMatchObject({
      costUsd: 3.5,
      tokens: 7,
      reservedCostUsd: 0,
      reservedTokens: 0,
    });
    expect(store.read('provider:x:day', 1000)).toMatchObject({ reservedTokens: 0 });
  });
});
