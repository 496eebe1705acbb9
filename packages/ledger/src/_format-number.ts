/** `1234567` → `1,234,567`; locale-independent so reports and tests read the same everywhere. */
export function formatInteger(value: number): string {
  const rounded = Math.round(value);
  const digits = String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return rounded < 0 ? `-${digits}` : digits;
}

/**
 * USD with 2 to 4 decimals: two from $1 up (`$12.35`), up to four below (`$0.0123`, `$0.50`), so that cheap
 * requests do not all show as `$0.00`.
 */
export function formatUsd(value: number): string {
  if (Math.abs(value) >= 1) return `$${value.toFixed(2)}`;
  const fixed = value.toFixed(4).replace(/0{1,2}$/, '');
  return `$${fixed}`;
}
