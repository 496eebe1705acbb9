import { describe, expect, it } from 'vitest';
import { jsonHundredths, jsonMillionths, jsonNumber } from './_json-number.js';

/** A small seeded generator, so a failure names a reproducible value. */
function randoms(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const edges = [
  0,
  -0,
  0.005,
  0.004999,
  -0.005,
  0.015,
  1.005,
  2.675,
  0.1 + 0.2,
  1e-7,
  4e-7,
  5e-7,
  1e-6,
  1.5e-6,
  0.125,
  0.999999,
  0.9999995,
  9.995,
  99.995,
  1234.5,
  1e9,
  9_999_999_999.99,
  1e10,
  1e12,
  1e13,
  4_503_599_627.123457,
  45_035_996_273_704.99,
  123_456_789_012_345.67,
  9_007_199_254_740.75,
  2 ** 53,
  1e21,
  1e22,
  1.7e308,
  -1.7e308,
  Number.MIN_VALUE,
  Number.EPSILON,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

/** The values `write` writes otherwise than `expected`, with both texts. */
function mismatches(values: number[], write: (value: number) => string, expected: (value: number) => string) {
  return values
    .filter((value) => write(value) !== expected(value))
    .map((value) => [value, write(value), expected(value)]);
}

function samples(count: number): number[] {
  const next = randoms(20_261_207);
  const values = [...edges, ...edges.map((value) => -value)];
  for (let index = 0; index < count; index++) {
    const magnitude = 10 ** Math.floor(next() * 16 - 8);
    const value = next() * magnitude;
    values.push(value, -value);
    // Halfway points and their neighbours, where rounding can go either way.
    const grid = Math.round(next() * 1e6) / 1e3 + 0.005;
    values.push(grid, grid + Number.EPSILON * grid, grid - Number.EPSILON * grid);
  }
  return values;
}

/** What the line wrote before: the value rounded to `1 / scale`, by JSON.stringify. */
const rounded = (scale: number) => (value: number) => JSON.stringify(Math.round(value * scale) / scale);

describe('jsonNumber', () => {
  it('writes what JSON.stringify writes, null for what is not finite', () => {
    expect(mismatches(samples(2000), jsonNumber, (value) => JSON.stringify(value))).toEqual([]);
  });
});

describe('jsonHundredths', () => {
  it('writes JSON.stringify of the value rounded to 0.01, for every kind of number', () => {
    expect(mismatches(samples(20_000), jsonHundredths, rounded(100))).toEqual([]);
  });

  it('writes every hundredth from 0 to 1 000 as JSON.stringify does', () => {
    const values = Array.from({ length: 100_001 }, (_, units) => units / 100);
    expect(mismatches(values, jsonHundredths, rounded(100))).toEqual([]);
  });
});

describe('jsonMillionths', () => {
  it('writes JSON.stringify of the value rounded to 1e-6, for every kind of number', () => {
    expect(mismatches(samples(20_000), jsonMillionths, rounded(1e6))).toEqual([]);
  });

  it('writes every millionth up to 0.2 as JSON.stringify does', () => {
    const values = Array.from({ length: 200_001 }, (_, units) => units / 1e6);
    expect(mismatches(values, jsonMillionths, rounded(1e6))).toEqual([]);
  });
});
