import { describe, expect, it } from 'vitest';
import { formatNumber, formatTable } from './format-table.js';

describe('formatTable', () => {
  it('aligns every column to its widest cell, numbers right and labels left', () => {
    const table = formatTable(
      [{ header: 'target', align: 'left' }, { header: 'RPS' }],
      [
        ['direct', '12345.6'],
        ['ccb', '7.0'],
      ],
    );
    expect(table.split('\n')).toEqual([
      'target      RPS',
      '------  -------',
      'direct  12345.6',
      'ccb         7.0',
    ]);
  });

  it('widens a column to its header when the header is the widest cell', () => {
    const table = formatTable([{ header: 'peak RSS MB' }], [['1']]);
    expect(table.split('\n')[2]).toBe('          1');
  });

  it('fills missing cells with blanks and trims trailing spaces', () => {
    const table = formatTable(
      [
        { header: 'a', align: 'left' },
        { header: 'b', align: 'left' },
      ],
      [['x']],
    );
    expect(table.split('\n')[2]).toBe('x');
  });
});

describe('formatNumber', () => {
  it('rounds to the given decimals', () => {
    expect(formatNumber(1.23456, 2)).toBe('1.23');
  });

  it('prints a dash for missing and non-finite values', () => {
    expect(formatNumber(undefined, 1)).toBe('—');
    expect(formatNumber(Number.NaN, 1)).toBe('—');
    expect(formatNumber(Number.POSITIVE_INFINITY, 1)).toBe('—');
  });

  it('signs positive differences only when asked', () => {
    expect(formatNumber(0.5, 1, true)).toBe('+0.5');
    expect(formatNumber(-0.5, 1, true)).toBe('-0.5');
    expect(formatNumber(0.5, 1)).toBe('0.5');
  });
});
