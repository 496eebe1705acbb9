import { formatInteger, formatUsd } from './_format-number.js';
import { totalUsageRow, type UsageDimension, type UsageRow } from './ledger-row.js';

/** Options of {@link formatUsageTable}. */
export interface UsageTableOptions {
  /** The dimension the rows are grouped by; it names the first column. */
  readonly by: UsageDimension;
}

const keyHeadings: Readonly<Record<UsageDimension, string>> = {
  provider: 'Provider',
  model: 'Model',
  day: 'Day (UTC)',
  key: 'Key',
  session: 'Session',
};

const numberHeadings = [
  'Requests',
  'Input',
  'Output',
  'Cache write',
  'Cache read',
  'Cache hit',
  'Cost',
] as const;

function cells(row: UsageRow): string[] {
  return [
    row.key ?? '(none)',
    formatInteger(row.requests),
    formatInteger(row.inputTokens),
    formatInteger(row.outputTokens),
    formatInteger(row.cacheCreationInputTokens),
    formatInteger(row.cacheReadInputTokens),
    `${(row.cacheHitRate * 100).toFixed(1)}%`,
    formatUsd(row.costUsd),
  ];
}

/**
 * A plain, aligned text table of a usage report (key left-aligned, numbers right-aligned, two spaces between
 * columns), then a rule and a `Total` line. Token counts get thousands separators, the hit rate one decimal, and
 * cost 2 to 4 decimals. Lines are joined with `\n`, without a trailing newline.
 */
export function formatUsageTable(rows: readonly UsageRow[], options: UsageTableOptions): string {
  const header = [keyHeadings[options.by], ...numberHeadings];
  const body = rows.map(cells);
  const total = cells(totalUsageRow(rows));
  total[0] = 'Total';
  const widths = header.map((heading) => heading.length);
  for (const line of [...body, total]) {
    line.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, cell.length);
    });
  }
  const render = (line: readonly string[]) =>
    line
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return column === 0 ? cell.padEnd(width) : cell.padStart(width);
      })
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1));
  return [render(header), ...body.map(render), rule, render(total)].join('\n');
}
