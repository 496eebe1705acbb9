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

/** Milliseconds in a request line: to 0.01, enough for sub-ms overheads and short in the line. */
export function roundHundredths(value: number): number {
  return Math.round(value * 100) / 100;
}

/** `JSON.stringify(roundHundredths(value))`, without formatting a double. */
export function jsonHundredths(value: number): string {
  return jsonRounded(value, 100, 2);
}

/** USD in a request line: to 1e-6, so that a cheap request does not read as 0. */
export function roundMillionths(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** `JSON.stringify(roundMillionths(value))`, without formatting a double. */
export function jsonMillionths(value: number): string {
  return jsonRounded(value, 1e6, 6);
}

/** `JSON.stringify(Math.round(value * scale) / scale)` for `scale` = 10 ** `digits`. */
function jsonRounded(value: number, scale: number, digits: number): string {
  const scaled = Math.round(value * scale);
  if (!(scaled < exactBelow && scaled > -exactBelow)) return jsonNumber(scaled / scale);
  if (scaled === 0) return '0';
  const sign = scaled < 0 ? '-' : '';
  const units = scaled < 0 ? -scaled : scaled;
  const whole = Math.floor(units / scale);
  let fraction = units - whole * scale;
  if (fraction === 0) return `${sign}${whole}`;
  // Four of the line's five numbers are hundredths: their two digits without a loop or padding.
  if (digits === 2) {
    if (fraction < 10) return `${sign}${whole}.0${fraction}`;
    return fraction % 10 === 0 ? `${sign}${whole}.${fraction / 10}` : `${sign}${whole}.${fraction}`;
  }
  let width = digits;
  while (fraction % 10 === 0) {
    fraction /= 10;
    width -= 1;
  }
  return `${sign}${whole}.${String(fraction).padStart(width, '0')}`;
}
