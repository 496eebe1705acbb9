import type { Price } from '@ccb/ledger';
import { describe, expect, it } from 'vitest';
import { createCacheSavings } from './cache-savings.js';

const price: Price = { input: 3, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3, output: 15 };
const day = 86_400_000;

describe('createCacheSavings', () => {
  it('prices cache reads at the input price minus the cache-read price', () => {
    const savings = createCacheSavings(() => 10 * day + 5);
    savings.add({ inputTokens: 100, cacheCreationInputTokens: 100, cacheReadInputTokens: 1_000_000, price });
    savings.add({ inputTokens: 800, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, price });
    const totals = savings.totals();
    expect(totals.savedUsd).toBeCloseTo(2.7, 10);
    expect(totals.hitRate).toBeCloseTo(1_000_000 / 1_001_000, 10);
    expect(totals.sinceInMs).toBe(10 * day + 5);
  });

  it('counts the tokens of an unpriced model, saving nothing for them', () => {
    const savings = createCacheSavings(() => 0);
    savings.add({ inputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 500, price: undefined });
    expect(savings.totals()).toMatchObject({ cacheReadInputTokens: 500, savedUsd: 0, hitRate: 1 });
  });

  it('starts from zero at UTC midnight', () => {
    let nowInMs = 3 * day + 1000;
    const savings = createCacheSavings(() => nowInMs);
    savings.add({ inputTokens: 10, cacheCreationInputTokens: 0, cacheReadInputTokens: 90, price });
    nowInMs = 4 * day + 1;
    expect(savings.totals()).toMatchObject({ sinceInMs: 4 * day, cacheReadInputTokens: 0, savedUsd: 0 });
  });
});
