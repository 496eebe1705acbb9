import type { SpendBudget } from '@ccb/admin-api';
import { describe, expect, it } from 'vitest';
import { affinityText, budgetLine, cacheSavingsText, sortBudgets } from './budget-lines.js';

const now = Date.UTC(2026, 11, 6, 10, 0);
const daily: SpendBudget = {
  scope: 'provider',
  name: 'alpha',
  window: 'day',
  metric: 'usd',
  limit: 20,
  used: 12.5,
  remaining: 7.5,
  exceeded: false,
  resets_at: new Date(Date.UTC(2026, 11, 7)).toISOString(),
};

describe('budgetLine', () => {
  it('says how much of a USD cap is left and scales the bar to it', () => {
    const line = budgetLine(daily, now);
    expect(line.text).toMatch(/^provider alpha, daily: \$7\.50 of \$20\.00 left, resets /);
    expect(line).toMatchObject({ value: 7.5, max: 20, low: 2, high: 6, exceeded: false });
  });

  it('names a key budget by its fingerprint and counts tokens', () => {
    const line = budgetLine(
      {
        ...daily,
        scope: 'key',
        name: '3f9a1c2b7d4e',
        window: 'month',
        metric: 'tokens',
        limit: 5e6,
        used: 1.2e6,
        remaining: 3.8e6,
      },
      now,
    );
    expect(line.text).toMatch(/^key 3f9a1c2b7d4e, monthly: 3\.8M tokens of 5M tokens left/);
  });

  it('says a used-up cap is used up, with an empty bar', () => {
    const line = budgetLine({ ...daily, used: 21, remaining: 0, exceeded: true }, now);
    expect(line.text).toContain('used up ($21.00 of $20.00)');
    expect(line.value).toBe(0);
  });
});

describe('sortBudgets', () => {
  it('lists providers before keys, by name, day before month', () => {
    const sorted = sortBudgets([
      { ...daily, scope: 'key', name: 'aaa' },
      { ...daily, name: 'beta', window: 'month' },
      { ...daily, name: 'beta' },
      daily,
    ]);
    expect(sorted.map((budget) => `${budget.scope} ${budget.name} ${budget.window}`)).toEqual([
      'provider alpha day',
      'provider beta day',
      'provider beta month',
      'key aaa day',
    ]);
  });
});

describe('cacheSavingsText and affinityText', () => {
  it('give the hit rate and the estimated saving', () => {
    expect(
      cacheSavingsText({
        since: '2026-12-06T00:00:00.000Z',
        input_tokens: 100,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 1800,
        hit_rate: 0.9,
        saved_usd: 4.46,
      }),
    ).toBe('Prompt cache today: 90% of prompt tokens read from the cache (1.8k), saving about $4.46.');
    expect(affinityText({ sessions: 12, hits: 30, moves: 1, misses: 10 })).toBe(
      'Session affinity: 75% of session requests went back to their provider (30 hits, 10 new, 1 moved); 12 sessions bound now.',
    );
  });

  it('say so when nothing has been counted yet', () => {
    expect(
      cacheSavingsText({
        since: '2026-12-06T00:00:00.000Z',
        input_tokens: 0,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        hit_rate: 0,
        saved_usd: 0,
      }),
    ).toBe('Prompt cache today: no prompts yet.');
    expect(affinityText({ sessions: 0, hits: 0, moves: 0, misses: 0 })).toBe(
      'Session affinity: no sessions yet.',
    );
  });
});
