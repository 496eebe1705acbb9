/**
 * Numbers as `JSON.stringify` writes them, for the request line's hand-written serializer. The line's fractional
 * numbers (durations to 0.01 ms, the cost to 1e-6 USD) are written by integer arithmetic: every request brings fresh
 * doubles, which miss V8's number-to-string cache and go through its shortest-digits algorithm (docs/performance.md
 * items 40 and 41).
 */

/** `JSON.stringify(value)` for a number: `null` when it is not finite. */
export function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/**
 * Below this many units of the last decimal, the decimal `scaled / scale` is what `JSON.stringify` writes for the
 * double nearest it: doubles there lie far closer together than one unit, so no shorter decimal reads back as the
 * same double, and `Math.floor(scaled / scale)` cannot round up to the next whole number.
 */
const exactBelow = 1e12;

/** `JSON.stringify(Math.round(value * 100) / 100)`, without formatting a double. */
export function jsonHundredths(value: number): string {
  const scaled = Math.round(value * 100);
  if (!(scaled < exactBelow && scaled > -exactBelow)) return jsonNumber(scaled / 100);
  if (scaled === 0) return '0';
  const sign = scaled < 0 ? '-' : '';
  const units = scaled < 0 ? -scaled : scaled;
  const whole = Math.floor(units / 100);
  const fraction = units - whole * 100;
  if (fraction === 0) return `${sign}${whole}`;
  if (fraction < 10) return `${sign}${whole}.0${fraction}`;
  return fraction % 10 === 0 ? `${sign}${whole}.${fraction / 10}` : `${sign}${whole}.${fraction}`;
}

/** `JSON.stringify(Math.round(value * 1e6) / 1e6)`, without formatting a double. */
export function jsonMillionths(value: number): string {
  const scaled = Math.round(value * 1e6);
  if (!(scaled < exactBelow && scaled > -exactBelow)) return jsonNumber(scaled / 1e6);
  if (scaled === 0) return '0';
  const sign = scaled < 0 ? '-' : '';
  const units = scaled < 0 ? -scaled : scaled;
  const whole = Math.floor(units / 1e6);
  let fraction = units - whole * 1e6;
  if (fraction === 0) return `${sign}${whole}`;
  let digits = 6;
  while (fraction % 10 === 0) {
    fraction /= 10;
    digits -= 1;
  }
  return `${sign}${whole}.${String(fraction).padStart(digits, '0')}`;
}
