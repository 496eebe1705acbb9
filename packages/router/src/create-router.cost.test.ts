import { describe, expect, it } from 'vitest';
import { createRouter, type RouterOptions } from './create-router.js';

/** USD per million input tokens, by provider and model family. */
const prices: Record<string, Record<string, number>> = {
  anthropic: { opus: 5, haiku: 1 },
  reseller: { opus: 3, haiku: 1 },
  subscription: { opus: 0.5 },
  glm: { glm: 0.6 },
};

function priceOf(provider: string, model: string | undefined): number | undefined {
  const family = model?.match(/opus|haiku|glm/)?.[0];
  return family === undefined ? undefined : prices[provider]?.[family];
}

function setup(options: Partial<RouterOptions> = {}) {
  const router = createRouter({
    strategy: 'cost',
    priceOf,
    random: () => 0,
    targets: [
      { name: 'anthropic', models: ['claude-*'] },
      { name: 'reseller', models: ['claude-*'] },
      { name: 'unpriced' },
      { name: 'subscription', priority: 2, models: ['claude-*'] },
      { name: 'glm', priority: 2 },
    ],
    ...options,
  });
  return { router };
}

describe('cost strategy in a router', () => {
  it('orders each tier by price for the requested model, tiers first', () => {
    const { router } = setup();
    // subscription is the cheapest for opus but sits in tier 2: tiers still come first.
    expect(router.plan({ model: 'claude-opus-5-5' })).toEqual([
      'reseller',
      'anthropic',
      'unpriced',
      'subscription',
      'glm',
    ]);
    expect(router.plan({ model: 'glm-5' })).toEqual(['unpriced', 'glm']);
  });

  it('shares equally priced providers by weight', () => {
    const { router } = setup({
      targets: [
        { name: 'anthropic', weight: 1 },
        { name: 'reseller', weight: 1 },
      ],
    });
    const firsts = Array.from({ length: 4 }, () => router.plan({ model: 'claude-haiku-5-5' })[0]);
    expect(firsts).toEqual(['anthropic', 'reseller', 'anthropic', 'reseller']);
    expect(router.plan({ model: 'claude-opus-5' })).toEqual(['reseller', 'anthropic']);
  });

  it('moves to the next cheapest when the cheapest is unusable', () => {
    const { router } = setup();
    router.report('reseller', { result: 'failure', status: 429, headers: { 'retry-after': '30' } });
    expect(router.plan({ model: 'claude-opus-5-5' })).toEqual([
      'anthropic',
      'unpriced',
      'subscription',
      'glm',
    ]);
  });

  it('asks for each price once per provider and model', () => {
    const asked: string[] = [];
    const { router } = setup({
      priceOf: (provider, model) => {
        asked.push(`${provider}:${model}`);
        return priceOf(provider, model);
      },
    });
    for (let round = 0; round < 10; round++) {
      router.plan({ model: 'claude-opus-5-5' });
      router.plan({});
    }
    expect(asked.sort()).toEqual([
      'anthropic:claude-opus-5-5',
      'anthropic:undefined',
      'glm:claude-opus-5-5',
      'glm:undefined',
      'reseller:claude-opus-5-5',
      'reseller:undefined',
      'subscription:claude-opus-5-5',
      'subscription:undefined',
      'unpriced:claude-opus-5-5',
      'unpriced:undefined',
    ]);
  });

  it('gives the other strategies the same prices without changing their order', () => {
    const { router } = setup({ strategy: 'priority' });
    expect(router.plan({ model: 'claude-opus-5-5' })).toEqual([
      'anthropic',
      'reseller',
      'unpriced',
      'subscription',
      'glm',
    ]);
  });
});
