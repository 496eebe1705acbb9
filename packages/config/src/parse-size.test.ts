import { describe, expect, it } from 'vitest';
import { parseSize } from './parse-size.js';

describe('parseSize', () => {
  it.each([
    ['1KB', 1_000],
    ['1KiB', 1_024],
    ['512KiB', 524_288],
    ['1MB', 1_000_000],
    ['32MiB', 33_554_432],
    ['1GiB', 1_073_741_824],
    ['2GB', 2_000_000_000],
    ['10B', 10],
    ['1.5KiB', 1_536],
    ['32mib', 33_554_432],
    [4096, 4096],
  ] as const)('reads %j as %d bytes', (input, expected) => {
    expect(parseSize(input)).toBe(expected);
  });

  it.each(['', '32', '32 MiBs', '-1KB', 'MB', '1PB'])('rejects %j', (input) => {
    expect(parseSize(input)).toBeUndefined();
  });

  it('rejects negative numbers', () => {
    expect(parseSize(-1)).toBeUndefined();
  });
});
