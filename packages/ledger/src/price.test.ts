import { describe, expect, it } from 'vitest';
import { costOf, type Price, promptTokens, usageTokens } from './price.js';

const sonnet: Price = { input: 3, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3, output: 15 };
const usage = {
  inputTokens: 1000,
  outputTokens: 500,
  cacheCreationInputTokens: 10_000,
  cacheReadInputTokens: 100_000,
};

describe('costOf', () => {
  it('counts every cache write as 5-minute when the usage gives no split', () => {
    // 1000×3 + 10000×3.75 + 100000×0.3 + 500×15 = 3000 + 37500 + 30000 + 7500 per million
    expect(costOf(usage, sonnet)).toBeCloseTo(0.078, 10);
  });

  it('prices the 5-minute and 1-hour cache writes apart when the split is given', () => {
    const split = { ...usage, cacheCreation5mInputTokens: 6000, cacheCreation1hInputTokens: 4000 };
    // 3000 + 6000×3.75 + 4000×6 + 30000 + 7500 = 87000 per million
    expect(costOf(split, sonnet)).toBeCloseTo(0.087, 10);
  });

  it('takes the rest of the total as the missing half of a split', () => {
    expect(costOf({ ...usage, cacheCreation1hInputTokens: 4000 }, sonnet)).toBeCloseTo(0.087, 10);
    expect(costOf({ ...usage, cacheCreation5mInputTokens: 6000 }, sonnet)).toBeCloseTo(0.087, 10);
  });

  it('costs nothing for an empty usage', () => {
    const none = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
    expect(costOf(none, sonnet)).toBe(0);
  });
});

describe('token sums', () => {
  it('counts the prompt as input plus cache writes plus cache reads', () => {
    expect(promptTokens(usage)).toBe(111_000);
  });

  it('counts every token, output included, for budgets and spend', () => {
    expect(usageTokens(usage)).toBe(111_500);
  });
});
