const durationPattern = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d)\s*$/i;

const millisecondsPerUnit: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** The shape of a duration string, for JSON Schema `pattern` (ECMA-262, case-sensitive units). */
export const durationStringPattern = '^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*([mM][sS]|[sS]|[mM]|[hH]|[dD])\\s*$';

/**
 * Parses a duration: a non-negative number of milliseconds, or a string `<n>ms|s|m|h|d` such as `"500ms"`,
 * `"10s"`, `"1.5m"`, `"1h"`, `"30d"` (units case-insensitive). Returns whole milliseconds (rounded), or `undefined`
 * when the value is not a valid duration. Bare numeric strings are rejected on purpose: `"500"` is ambiguous.
 */
export function parseDuration(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  const match = durationPattern.exec(value);
  if (match === null) return undefined;
  const [, amount = '', unit = ''] = match;
  const milliseconds = Number(amount) * (millisecondsPerUnit[unit.toLowerCase()] ?? Number.NaN);
  return Number.isFinite(milliseconds) ? Math.round(milliseconds) : undefined;
}
