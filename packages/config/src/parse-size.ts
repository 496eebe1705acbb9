const sizePattern = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)\s*$/i;

const bytesPerUnit: Record<string, number> = {
  b: 1,
  kb: 1_000,
  kib: 1_024,
  mb: 1_000_000,
  mib: 1_048_576,
  gb: 1_000_000_000,
  gib: 1_073_741_824,
  tb: 1_000_000_000_000,
  tib: 1_099_511_627_776,
};

/** The shape of a size string, for JSON Schema `pattern` (ECMA-262 has no case-insensitive flag there). */
export const sizeStringPattern = '^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*([kKmMgGtT][iI]?)?[bB]\\s*$';

/**
 * Parses a size: a non-negative number of bytes, or a string with a unit such as `"32MiB"`, `"1MB"`,
 * `"512KiB"`, `"10B"`. Decimal units are powers of 1000 (`1KB` = 1000), binary units powers of 1024
 * (`1KiB` = 1024); units are case-insensitive. Returns whole bytes (rounded), or `undefined` when invalid.
 */
export function parseSize(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  const match = sizePattern.exec(value);
  if (match === null) return undefined;
  const [, amount = '', unit = ''] = match;
  const bytes = Number(amount) * (bytesPerUnit[unit.toLowerCase()] ?? Number.NaN);
  return Number.isFinite(bytes) ? Math.round(bytes) : undefined;
}
