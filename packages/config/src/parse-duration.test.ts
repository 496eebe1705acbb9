import { describe, expect, it } from 'vitest';
import { parseDuration } from './parse-duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5m', 90_000],
    ['2h', 7_200_000],
    ['.5s', 500],
    ['10S', 10_000],
    [' 3 s ', 3_000],
    [0, 0],
    [250, 250],
    [1.6, 2],
  ] as const)('reads %j as %d milliseconds', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each(['', '10', '10 sec', '-1s', '1w', 's', '1.2.3s'])('rejects %j', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });

  it('rejects negative and non-finite numbers', () => {
    expect(parseDuration(-1)).toBeUndefined();
    expect(parseDuration(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(parseDuration(Number.NaN)).toBeUndefined();
  });
});
