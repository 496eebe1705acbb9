/**
 * A structural scanner for JSON request bodies: finds the byte span of each top-level value without decoding or
 * parsing the rest. Strings are skipped with `Buffer.indexOf` (native), so a multi-megabyte conversation costs a
 * fraction of `JSON.parse`. It checks structure (an object, balanced brackets, closed strings, key/colon/comma
 * order), not every grammar rule: a subtler syntax error is left for the upstream to report.
 */

/** Byte offsets `[start, end)` of a value inside the scanned buffer. */
export type Span = readonly [start: number, end: number];

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const colon = 0x3a;
const comma = 0x2c;

/** The top-level keys of a JSON object and the spans of their values, or `undefined` when it is not one. */
export function scanTopLevel(body: Buffer): Map<string, Span> | undefined {
  const fields = new Map<string, Span>();
  let index = skipWhitespace(body, 0);
  if (body[index] !== openBrace) return undefined;
  index = skipWhitespace(body, index + 1);
  if (body[index] === closeBrace) return skipWhitespace(body, index + 1) === body.length ? fields : undefined;
  for (;;) {
    if (body[index] !== quote) return undefined;
    const keyEnd = endOfString(body, index);
    if (keyEnd === -1) return undefined;
    const key = body.toString('latin1', index + 1, keyEnd - 1);
    index = skipWhitespace(body, keyEnd);
    if (body[index] !== colon) return undefined;
    const valueStart = skipWhitespace(body, index + 1);
    const valueEnd = endOfValue(body, valueStart);
    if (valueEnd === -1) return undefined;
    fields.set(key, [valueStart, valueEnd]);
    index = skipWhitespace(body, valueEnd);
    if (body[index] === comma) {
      index = skipWhitespace(body, index + 1);
      continue;
    }
    if (body[index] !== closeBrace) return undefined;
    return skipWhitespace(body, index + 1) === body.length ? fields : undefined;
  }
}

/** The span of the first element of the array at `span`, if it has one. */
export function firstElement(body: Buffer, span: Span): Span | undefined {
  if (body[span[0]] !== openBracket) return undefined;
  const start = skipWhitespace(body, span[0] + 1);
  if (start >= span[1] || body[start] === closeBracket) return undefined;
  const end = endOfValue(body, start);
  return end === -1 ? undefined : [start, end];
}

/** Parses the value at `span` (small values only: this is where a full parse is still worth it). */
export function parseSpan(body: Buffer, span: Span | undefined): unknown {
  if (span === undefined) return undefined;
  // A string without escapes (a model name, a session id) decodes directly, without the JSON parser.
  if (body[span[0]] === quote && body.subarray(span[0], span[1]).indexOf(backslash) === -1) {
    return body.toString('utf8', span[0] + 1, span[1] - 1);
  }
  try {
    return JSON.parse(body.toString('utf8', span[0], span[1]));
  } catch {
    return undefined;
  }
}

/** True when the value at `span` is the literal `true`. */
export function isTrue(body: Buffer, span: Span | undefined): boolean {
  return (
    span !== undefined &&
    span[1] - span[0] === 4 &&
    body[span[0]] === 0x74 &&
    body[span[0] + 1] === 0x72 &&
    body[span[0] + 2] === 0x75 &&
    body[span[0] + 3] === 0x65
  );
}

function skipWhitespace(body: Buffer, index: number): number {
  let at = index;
  for (;;) {
    const byte = body[at];
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return at;
    at++;
  }
}

/** The index just past the closing quote of the string opening at `start`, or -1. */
function endOfString(body: Buffer, start: number): number {
  let from = start + 1;
  for (;;) {
    const at = body.indexOf(quote, from);
    if (at === -1) return -1;
    let backslashes = 0;
    for (let before = at - 1; body[before] === backslash; before--) backslashes++;
    if (backslashes % 2 === 0) return at + 1;
    from = at + 1;
  }
}

/** The index just past the value starting at `start`, or -1 when it does not end properly. */
function endOfValue(body: Buffer, start: number): number {
  const first = body[start];
  if (first === quote) return endOfString(body, start);
  if (first === openBrace || first === openBracket) {
    const stack: number[] = [];
    let index = start;
    while (index < body.length) {
      const byte = body[index] as number;
      if (byte === quote) {
        index = endOfString(body, index);
        if (index === -1) return -1;
        continue;
      }
      if (byte === openBrace || byte === openBracket)
        stack.push(byte === openBrace ? closeBrace : closeBracket);
      else if (byte === closeBrace || byte === closeBracket) {
        if (stack.pop() !== byte) return -1;
        if (stack.length === 0) return index + 1;
      }
      index++;
    }
    return -1;
  }
  // A number, true, false or null: up to the next delimiter.
  let index = start;
  while (index < body.length) {
    const byte = body[index];
    if (
      byte === comma ||
      byte === closeBrace ||
      byte === closeBracket ||
      byte === 0x20 ||
      byte === 0x0a ||
      byte === 0x0d ||
      byte === 0x09
    )
      break;
    index++;
  }
  return index === start ? -1 : index;
}
