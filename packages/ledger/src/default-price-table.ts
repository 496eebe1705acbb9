import type { Price, PriceTable, PriceTableEntry } from './price.js';

function price(
  input: number,
  cacheWrite5m: number,
  cacheWrite1h: number,
  cacheRead: number,
  output: number,
): Price {
  return Object.freeze({ input, cacheWrite5m, cacheWrite1h, cacheRead, output });
}

function families(names: readonly string[], familyPrice: Price): PriceTableEntry[] {
  return names.map((family) => Object.freeze({ family, price: familyPrice }));
}

const fable51 = price(10, 12.5, 20, 0.25, 50);
const fable5 = price(10, 12.5, 20, 1, 50);
const opus55 = price(4, 5, 8, 0.2, 20);
const opus5 = price(5, 6.25, 10, 0.5, 25);
const opus4 = price(15, 18.75, 30, 1.5, 75);
// Sonnet 5.5 cache reads were cut from 0.20 to 0.10 on 2026-10-07.
const sonnet55 = price(2, 2.5, 4, 0.1, 10);
const sonnet5 = price(2, 2.5, 4, 0.2, 10);
const sonnet4 = price(3, 3.75, 6, 0.3, 15);
const haiku55 = price(0.1, 0.125, 0.2, 0.01, 0.5);
const haiku55LongPrompt = price(0.5, 0.625, 1, 0.05, 2.5);
const haiku45 = price(1, 1.25, 2, 0.1, 5);
const haiku35 = price(0.8, 1, 1.6, 0.08, 4);
const haiku3 = price(0.25, 0.3, 0.5, 0.03, 1.25);

/**
 * Anthropic list prices in USD per million tokens, latest evidence 2026-10-24 (platform.claude.com pricing page and
 * model overviews). Prices change: let the CLI replace the table (`createPricing({ table })`) from config.
 */
export const defaultPriceTable: PriceTable = Object.freeze([
  ...families(['claude-fable-5-1', 'claude-mythos-5-1'], fable51),
  ...families(['claude-fable-5', 'claude-mythos-5'], fable5),
  ...families(['claude-opus-5-5'], opus55),
  ...families(
    ['claude-opus-5', 'claude-opus-4-8', 'claude-opus-4-7', 'claude-opus-4-6', 'claude-opus-4-5'],
    opus5,
  ),
  ...families(['claude-opus-4-1', 'claude-opus-4'], opus4),
  ...families(['claude-sonnet-5-5'], sonnet55),
  ...families(['claude-sonnet-5'], sonnet5),
  ...families(['claude-sonnet-4-6', 'claude-sonnet-4-5', 'claude-sonnet-4', 'claude-sonnet-3-7'], sonnet4),
  Object.freeze({
    family: 'claude-haiku-5-5',
    price: haiku55,
    // The higher rate applies to the whole request, not only the tokens past 100 K.
    tier: Object.freeze({ promptTokensAbove: 100_000, price: haiku55LongPrompt }),
  }),
  ...families(['claude-haiku-4-5'], haiku45),
  ...families(['claude-haiku-3-5'], haiku35),
  ...families(['claude-haiku-3'], haiku3),
]);
