import { describe, expect, it } from 'vitest';
import { formatUsageTable } from './format-usage-table.js';
import type { UsageRow } from './ledger-row.js';

const rows: UsageRow[] = [
  {
    key: 'anthropic',
    requests: 1234,
    inputTokens: 1_234_567,
    outputTokens: 89_012,
    cacheCreationInputTokens: 250_000,
    cacheReadInputTokens: 8_500_000,
    cacheHitRate: 8_500_000 / 9_984_567,
    costUsd: 12.3456,
  },
  {
    key: null,
    requests: 3,
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: 0,
    cacheHitRate: 0,
    costUsd: 0.0123,
  },
];

describe('formatUsageTable', () => {
  it('aligns a report with a total line', () => {
    expect(formatUsageTable(rows, { by: 'provider' })).toBe(
      [
        'Provider   Requests      Input  Output  Cache write  Cache read  Cache hit     Cost',
        'anthropic     1,234  1,234,567  89,012      250,000   8,500,000      85.1%   $12.35',
        '(none)            3          0       0            0           0       0.0%  $0.0123',
        '-----------------------------------------------------------------------------------',
        'Total         1,237  1,234,567  89,012      250,000   8,500,000      85.1%   $12.36',
      ].join('\n'),
    );
  });

  it('names the first column after the dimension and prints an empty report as a zero total', () => {
    const lines = formatUsageTable([], { by: 'day' }).split('\n');
    expect(lines[0]?.startsWith('Day (UTC)  Requests')).toBe(true);
    expect(lines.at(-1)).toMatch(/^Total\s+0\s+0\s+0\s+0\s+0\s+0\.0%\s+\$0\.00$/);
  });

  it('shows costs under one dollar with up to four decimals and at least two', () => {
    const cost = (costUsd: number) =>
      formatUsageTable([{ ...rows[1], key: 'k', costUsd } as UsageRow], { by: 'key' })
        .split('\n')[1]
        ?.split(/\s+/)
        .at(-1);
    expect(cost(0.5)).toBe('$0.50');
    expect(cost(0.123)).toBe('$0.123');
    expect(cost(0.00004)).toBe('$0.00');
    expect(cost(1.005)).toBe('$1.00');
  });
});
