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
});
