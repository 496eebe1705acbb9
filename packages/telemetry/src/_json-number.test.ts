import { describe, expect, it } from 'vitest';
import { randoms } from '../test/_randoms.js';
import {
  jsonHundredths,
  jsonMillionths,
  jsonNumber,
  roundHundredths,
  roundMillionths,
} from './_json-number.js';

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

/** What the line wrote before, and `requestLogFields` still holds: the value rounded, then JSON.stringify. */
const stringified = (round: (value: number) => number) => (value: number) => JSON.stringify(round(value));

describe('jsonNumber', () => {
  it('writes what JSON.stringify writes, null for what is not finite', () => {
    expect(mismatches(samples(2000), jsonNumber, (value) => JSON.stringify(value))).toEqual([]);
  });
});

describe.each([
  {
    name: 'jsonHundredths',
    write: jsonHundredths,
    round: roundHundredths,
    scale: 100,
    grid: 'every hundredth from 0 to 1 000',
    units: 100_000,
  },
  {
    name: 'jsonMillionths',
    write: jsonMillionths,
    round: roundMillionths,
    scale: 1e6,
    grid: 'every millionth from 0 to 0.2',
    units: 200_000,
  },
])('$name', ({ write, round, scale, grid, units }) => {
  it(`writes JSON.stringify of the value rounded to 1/${scale}, for every kind of number`, () => {
    expect(mismatches(samples(20_000), write, stringified(round))).toEqual([]);
  });

  it(`writes ${grid} as JSON.stringify does`, () => {
    const values = Array.from({ length: units + 1 }, (_, unit) => unit / scale);
    expect(mismatches(values, write, stringified(round))).toEqual([]);
  });
});
