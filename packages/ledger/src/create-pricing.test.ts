import type { Usage } from '@ccb/protocol';
import { describe, expect, it, vi } from 'vitest';
import { createPricing } from './create-pricing.js';
import { defaultPriceTable } from './default-price-table.js';
import { LedgerError } from './ledger-error.js';
import type { PriceTable } from './price.js';

/** A Claude Code turn: new input, a cache write, a large cache read, a short answer. */
const turn: Usage = {
  inputTokens: 200_000,
  outputTokens: 50_000,
  cacheCreationInputTokens: 100_000,
  cacheReadInputTokens: 1_000_000,
};

const sonnet4 = { input: 3, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3, output: 15 };

describe('createPricing with the built-in table', () => {
  const pricing = createPricing();

  it.each([
    // input×in + cache write×w5 + cache read×r + output×out, per million
    ['claude-opus-4-1-20250805', 10.125], // 3 + 1.875 + 1.5 + 3.75
    ['claude-opus-4-6', 3.375], // 1 + 0.625 + 0.5 + 1.25
    ['claude-opus-5-5', 2.5], // 0.8 + 0.5 + 0.2 + 1
    ['claude-sonnet-4-5@20250929', 2.025], // 0.6 + 0.375 + 0.3 + 0.75
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 2.025],
    ['claude-3-7-sonnet-20250219', 2.025],
    ['claude-sonnet-5-5', 1.25], // 0.4 + 0.25 + 0.1 + 0.5
    ['claude-sonnet-5', 1.35], // 0.4 + 0.25 + 0.2 + 0.5
    ['claude-haiku-4-5', 0.675], // 0.2 + 0.125 + 0.1 + 0.25
    ['claude-3-5-haiku-latest', 0.54], // 0.16 + 0.1 + 0.08 + 0.2
    ['claude-3-haiku-20240307', 0.1725], // 0.05 + 0.03 + 0.03 + 0.0625
    ['claude-fable-5-1', 6], // 2 + 1.25 + 0.25 + 2.5
    ['claude-mythos-5', 6.75], // 2 + 1.25 + 1 + 2.5
    ['claude-haiku-5-5', 0.3375], // prompt 1.3 M > 100 K: 0.1 + 0.0625 + 0.05 + 0.125
  ])('costs a known turn on %s to the cent', (model, expectedUsd) => {
    const cost = pricing.costFor('anthropic', model, turn);
    expect(cost).toBeDefined();
    expect(Math.abs((cost ?? 0) - expectedUsd)).toBeLessThan(0.005);
    expect(cost).toBeCloseTo(expectedUsd, 9);
  });

  it('applies the Haiku 5.5 long-prompt tier only above 100 K prompt tokens, to the whole request', () => {
    const short = {
      inputTokens: 100_000,
      outputTokens: 10_000,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
    };
    const long = { ...short, inputTokens: 60_000, cacheReadInputTokens: 40_001 };
    expect(pricing.costFor('anthropic', 'claude-haiku-5-5', short)).toBeCloseTo(0.015, 9); // 0.01 + 0.005
    // 60000×0.5 + 40001×0.05 + 10000×2.5 per million
    expect(pricing.costFor('anthropic', 'claude-haiku-5-5', long)).toBeCloseTo(0.05700005, 9);
    expect(pricing.priceFor('anthropic', 'claude-haiku-5-5', 100_001)?.input).toBe(0.5);
    expect(pricing.priceFor('anthropic', 'claude-haiku-5-5')?.input).toBe(0.1);
  });

  it('has no price for a model that matches no family', () => {
    expect(pricing.priceFor('anthropic', 'deepseek-v4-pro')).toBeUndefined();
    expect(pricing.priceFor('anthropic', 'claude-fable-5-2')).toBeUndefined();
    expect(pricing.priceFor('anthropic', undefined)).toBeUndefined();
    expect(pricing.costFor('anthropic', 'glm-4.6', turn)).toBeUndefined();
    expect(pricing.effectivePrice('anthropic', 'glm-4.6')).toBeUndefined();
  });

  it('blends input and output 80/20 into one comparable price', () => {
    expect(pricing.effectivePrice('anthropic', 'claude-sonnet-4-6')).toBeCloseTo(3 * 0.8 + 15 * 0.2, 9);
    expect(pricing.effectivePrice('anthropic', 'claude-opus-5-5')).toBeCloseTo(4 * 0.8 + 20 * 0.2, 9);
  });

  it('prices every family of the built-in table', () => {
    for (const entry of defaultPriceTable) {
      expect(pricing.priceFor('anthropic', `${entry.family}-20990101`)).toBe(entry.price);
    }
  });
});

describe('createPricing with provider overrides', () => {
  it('scales every price, tiers included, by the provider multiplier', () => {
    const pricing = createPricing({ providers: { reseller: { multiplier: 0.6 } } });
    expect(pricing.costFor('reseller', 'claude-opus-4-6', turn)).toBeCloseTo(3.375 * 0.6, 9);
    expect(pricing.priceFor('reseller', 'claude-haiku-5-5', 200_000)?.output).toBeCloseTo(1.5, 9);
    expect(pricing.costFor('anthropic', 'claude-opus-4-6', turn)).toBeCloseTo(3.375, 9);
  });

  it('makes every model free, unknown ones too, at multiplier 0', () => {
    const pricing = createPricing({ providers: { subscription: { multiplier: 0 } } });
    expect(pricing.costFor('subscription', 'claude-opus-4-6', turn)).toBe(0);
    expect(pricing.costFor('subscription', 'some-new-model', turn)).toBe(0);
    expect(pricing.effectivePrice('subscription', undefined)).toBe(0);
  });

  it('takes the first matching model glob, merged over the table price and not scaled', () => {
    const pricing = createPricing({
      providers: {
        reseller: {
          multiplier: 0.5,
          models: {
            'claude-opus-*': { input: 1 },
            'claude-*': 'free',
            'deepseek-*': { input: 0.5, output: 2 },
          },
        },
      },
    });
    expect(pricing.priceFor('reseller', 'claude-opus-4-6')).toEqual({
      input: 1,
      cacheWrite5m: 3.125,
      cacheWrite1h: 5,
      cacheRead: 0.25,
      output: 12.5,
    });
    expect(pricing.costFor('reseller', 'claude-sonnet-4-6', turn)).toBe(0);
    expect(pricing.priceFor('reseller', 'deepseek-v4-pro')).toEqual({
      input: 0.5,
      cacheWrite5m: 0.625,
      cacheWrite1h: 1,
      cacheRead: 0.05,
      output: 2,
    });
  });

  it('has no price for an unknown model whose override lacks input or output', () => {
    const pricing = createPricing({ providers: { other: { models: { 'glm-*': { input: 1 } } } } });
    expect(pricing.priceFor('other', 'glm-4.6')).toBeUndefined();
  });

  it('replaces the built-in table with a given one, families and patterns in order', () => {
    const table: PriceTable = [
      { pattern: 'claude-sonnet-4-6-preview', price: { ...sonnet4, input: 99 } },
      { family: 'claude-sonnet-4-6', price: sonnet4 },
      { pattern: 'claude-sonnet-*', price: { ...sonnet4, input: 7 } },
      { pattern: 'kimi-*', price: { ...sonnet4, input: 0.6 } },
    ];
    const pricing = createPricing({ table });
    expect(pricing.priceFor('p', 'claude-sonnet-4-6-preview')?.input).toBe(99);
    expect(pricing.priceFor('p', 'claude-sonnet-4-6-20260101')?.input).toBe(3);
    expect(pricing.priceFor('p', 'claude-sonnet-4-5')?.input).toBe(7);
    expect(pricing.priceFor('p', 'kimi-k2')?.input).toBe(0.6);
    expect(pricing.priceFor('p', 'claude-opus-4-6')).toBeUndefined();
  });

  it('reports each unpriced model once per provider', () => {
    const onUnknownModel = vi.fn();
    const pricing = createPricing({ onUnknownModel });
    pricing.priceFor('a', 'mystery-1');
    pricing.priceFor('a', 'mystery-1');
    pricing.effectivePrice('a', 'mystery-1');
    pricing.priceFor('b', 'mystery-1');
    pricing.priceFor('a', undefined);
    pricing.priceFor('a', 'claude-sonnet-4-6');
    expect(onUnknownModel.mock.calls).toEqual([
      ['mystery-1', 'a'],
      ['mystery-1', 'b'],
      [undefined, 'a'],
    ]);
  });
});

describe('createPricing validation', () => {
  it.each([
    [{ table: [{ family: 'claude-x', price: { input: 1 } }] }, 'table[0].price.cacheWrite5m: missing'],
    [
      { table: [{ family: 'x', pattern: 'y', price: sonnet4 }] },
      'table[0]: give exactly one of family and pattern',
    ],
    [
      { table: [{ family: 'x', price: { ...sonnet4, cache_read: 1 } }] },
      'table[0].price.cache_read: unknown key',
    ],
    [{ table: [{ family: 'x', price: { ...sonnet4, output: -1 } }] }, 'table[0].price.output'],
    [{ providers: { p: { multiplier: -1 } } }, 'providers.p: multiplier'],
    [
      { providers: { p: { models: { 'claude-*': { input: 'cheap' } } } } },
      'providers.p.models.claude-*.input',
    ],
  ])('rejects a malformed price setting with its path (%#)', (options, path) => {
    let thrown: unknown;
    try {
      createPricing(options as never);
    } catch (error) {
      thrown = error;
    }
    expect(LedgerError.is(thrown, 'CCB_LEDGER_INVALID_PRICES')).toBe(true);
    expect((thrown as Error).message).toContain(path);
  });
});
