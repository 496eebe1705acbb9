/** One column of a {@link formatTable} table. */
export interface TableColumn {
  readonly header: string;
  /** Numbers read best right-aligned. Default `right`. */
  readonly align?: 'left' | 'right';
}

const columnGap = '  ';

function pad(text: string, width: number, align: 'left' | 'right'): string {
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

/**
 * Formats rows as a plain-text table: a header line, a dashed rule, then one line per row, every
 * column as wide as its widest cell and separated by two spaces. Trailing spaces are trimmed. Rows
 * shorter than the header get empty cells.
 */
export function formatTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, index) =>
    rows.reduce((widest, row) => Math.max(widest, (row[index] ?? '').length), column.header.length),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => pad(cells[index] ?? '', widths[index] ?? 0, column.align ?? 'right'))
      .join(columnGap)
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join(columnGap);
  return [line(columns.map((column) => column.header)), rule, ...rows.map(line)].join('\n');
}

/** Shown for a value that was not measured or does not apply. */
export const notApplicable = '—';

/**
 * A number with a fixed count of decimals, `—` when it is undefined or not finite. `signed` adds a `+`
 * to positive values (for differences).
 */
export function formatNumber(value: number | undefined, decimals: number, signed = false): string {
  if (value === undefined || !Number.isFinite(value)) return notApplicable;
  const text = value.toFixed(decimals);
  return signed && value > 0 ? `+${text}` : text;
}
