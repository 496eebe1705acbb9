const durationUnits: ReadonlyArray<readonly [string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

const sizeUnits: ReadonlyArray<readonly [string, number]> = [
  ['GiB', 1_073_741_824],
  ['MiB', 1_048_576],
  ['KiB', 1_024],
];

/** Milliseconds as a config would write them: `10s`, `5m`, `1h`, `30d`, else `1500ms`; `0` stays `0`. */
export function formatDuration(milliseconds: number): string {
  return withLargestUnit(milliseconds, durationUnits, 'ms');
}

/** Bytes as a config would write them: `32MiB`, `512KiB`, else `1000B`. */
export function formatSize(bytes: number): string {
  return withLargestUnit(bytes, sizeUnits, 'B');
}

/** In the largest unit that divides `amount` whole, so the text reads back to the same number. */
function withLargestUnit(
  amount: number,
  units: ReadonlyArray<readonly [string, number]>,
  smallest: string,
): string {
  if (amount === 0) return '0';
  for (const [unit, size] of units) if (amount % size === 0) return `${amount / size}${unit}`;
  return `${amount}${smallest}`;
}
