/**
 * A structural scanner for JSON request bodies: finds the byte span of chosen top-level values without decoding or
 * parsing the rest. Long strings are skipped with `Buffer.indexOf` (native), so a multi-megabyte conversation costs
 * a fraction of `JSON.parse`; short ones with a plain loop, which beats a native call at that size. It checks
 * structure (an object, balanced brackets nested at most `maxNestingDepth` deep, closed strings, key/colon/comma
 * order), not every grammar rule: a subtler syntax error is left for the upstream to report.
 */

import { endOfContainerSimd, isInScanArea, simdAfterBytes } from './_container-end.js';
import {
  backslash,
  closeBrace,
  closeBracket,
  colon,
  comma,
  isJsonWhitespace,
  openBrace,
  openBracket,
  quote,
  skipWhitespace,
} from './_json-bytes.js';

/** Byte offsets `[start, end)` of a value inside the scanned buffer. */
export type Span = readonly [start: number, end: number];

/** Strings shorter than this are walked byte by byte; longer ones are searched natively. */
const shortStringInBytes = 48;

/**
 * How deep a body may nest objects and arrays, its top-level object counting as 1; a deeper body is refused like a
 * malformed one. The API documents no limit. Claude Code's bodies nest about ten levels (messages → content →
 * tool_use input; tools → input_schema → properties → items), deep MCP tool schemas a few more: 256 leaves them a
 * wide margin, and stays far below the depth at which a recursive walk of the parsed value overflows Node's stack
 * (`JSON.stringify` with a replacer fails near 2 500 levels on Node 20's default stack). So whatever the scanner
 * accepts is safe to parse, walk and re-serialise.
 */
export const maxNestingDepth = 256;

/**
 * The top-level keys a caller wants spans for, encoded once. A key is compared as raw bytes first; only a key that
 * contains a backslash is decoded, exactly as `JSON.parse` decodes it, so `"mod\u0065l"` is the key `model` here as
 * it is to every upstream's parser (and a body carrying both is refused as a repeat).
 */
export class TopLevelKeys<Name extends string = string> {
  readonly names: readonly Name[];
  readonly #encoded: readonly Buffer[];
  /** The longest raw spelling of a wanted key: every character as a six-byte `\uXXXX` escape. */
  readonly #longestSpelling: number;

  constructor(names: readonly Name[]) {
    this.names = names;
    this.#encoded = names.map((name) => Buffer.from(name));
    this.#longestSpelling = 6 * Math.max(0, ...names.map((name) => name.length));
  }

  /** The position in `names` of the key whose characters are `body[start, end)` (inside its quotes), or -1. */
  indexOfKey(body: Buffer, start: number, end: number): number {
    const length = end - start;
    for (let index = 0; index < this.#encoded.length; index++) {
      const name = this.#encoded[index] as Buffer;
      if (name.length !== length) continue;
      let at = 0;
      while (at < length && name[at] === body[start + at]) at++;
      if (at === length) return index;
    }
    // Only a key short enough to spell a wanted one is decoded: a hostile body's long escaped keys cost nothing.
    return length <= this.#longestSpelling && hasBackslash(body, start, end)
      ? this.#indexOfEscapedKey(body, start, end)
      : -1;
  }

  #indexOfEscapedKey(body: Buffer, start: number, end: number): number {
    let key: unknown;
    try {
      key = JSON.parse(body.toString('utf8', start - 1, end + 1));
    } catch {
      return -1; // an invalid escape: the upstream refuses the body, and ccb reads no value from it
    }
    return this.names.indexOf(key as Name);
  }
}

/** Spans of the wanted top-level values of one body; a key the body does not have has no span. */
export class TopLevelSpans<Name extends string = string> {
  readonly #names: readonly Name[];
  readonly #spans: readonly (Span | undefined)[];

  /** `spans[i]` is the span of `names[i]`. */
  constructor(names: readonly Name[], spans: readonly (Span | undefined)[]) {
    this.#names = names;
    this.#spans = spans;
  }

  get(name: Name): Span | undefined {
    return this.#spans[this.#names.indexOf(name)];
  }
}

/**
 * The spans of the `keys` wanted among the top-level values of a JSON object, or `undefined` when the body is not
 * one or nests deeper than {@link maxNestingDepth}. Every value is still walked, so a malformed body is refused wherever the fault is. With a `span` (of a
 * value found by an earlier scan), the object there is scanned instead of the whole body.
 *
 * A wanted key that appears twice, however it is spelled, also gives `undefined`: parsers disagree on which copy
 * counts (JSON.parse takes the last, others the first, some refuse the body), so ccb would route, price and rewrite
 * one value while the upstream acts on another.
 */
export function scanTopLevel<Name extends string>(
  body: Buffer,
  keys: TopLevelKeys<Name>,
  span?: Span,
): TopLevelSpans<Name> | undefined {
  // Every slot set, so that no read meets a hole (a lookup up the prototype chain), and by a loop: for a handful of
  // keys `Array.prototype.fill` is a builtin call that costs twice as much.
  const found = new Array<Span | undefined>(keys.names.length);
  for (let slot = 0; slot < found.length; slot++) found[slot] = undefined;
  const spans = new TopLevelSpans(keys.names, found);
  // The members of a whole body in the scan area go to the SIMD walk at once: most of its bytes are in a few large
  // values, and there a call costs less than a JavaScript walk of their first bytes. Within a span (an element's
  // members, often many and small) the JavaScript walk goes first.
  const walkBytes = span === undefined && isInScanArea(body) ? 0 : simdAfterBytes;
  let index = skipWhitespace(body, span === undefined ? 0 : span[0]);
  if (body[index] !== openBrace) return undefined;
  index = skipWhitespace(body, index + 1);
  if (body[index] === closeBrace) return closes(body, index, span) ? spans : undefined;
  for (;;) {
    if (body[index] !== quote) return undefined;
    const keyEnd = endOfString(body, index);
    if (keyEnd === -1) return undefined;
    const wanted = keys.indexOfKey(body, index + 1, keyEnd - 1);
    index = skipWhitespace(body, keyEnd);
    if (body[index] !== colon) return undefined;
    const valueStart = skipWhitespace(body, index + 1);
    const valueEnd = endOfValueWalking(body, valueStart, walkBytes);
    if (valueEnd === -1) return undefined;
    if (wanted !== -1) {
      if (found[wanted] !== undefined) return undefined;
      found[wanted] = [valueStart, valueEnd];
    }
    index = skipWhitespace(body, valueEnd);
    if (body[index] === comma) {
      index = skipWhitespace(body, index + 1);
      continue;
    }
    if (body[index] !== closeBrace) return undefined;
    return closes(body, index, span) ? spans : undefined;
  }
}

/** True when the brace at `closeAt` ends the scanned object: the body, bar whitespace, or exactly the span. */
function closes(body: Buffer, closeAt: number, span: Span | undefined): boolean {
  return span === undefined ? skipWhitespace(body, closeAt + 1) === body.length : closeAt + 1 === span[1];
}

/** The span of the first element of the array at `span`, if it has one. */
export function firstElement(body: Buffer, span: Span): Span | undefined {
  if (body[span[0]] !== openBracket) return undefined;
  const start = skipWhitespace(body, span[0] + 1);
  if (start >= span[1] || body[start] === closeBracket) return undefined;
  const end = endOfValue(body, start);
  return end === -1 ? undefined : [start, end];
}

/**
 * The spans of every element of the array at `span`, in order, or `undefined` when the value there is not a
 * well-formed array. For the rare paths that edit a conversation in place (a session moved to another signature
 * domain): every byte between the elements is left as it was.
 */
export function elementSpans(body: Buffer, span: Span): Span[] | undefined {
  if (body[span[0]] !== openBracket) return undefined;
  const elements: Span[] = [];
  let index = skipWhitespace(body, span[0] + 1);
  if (body[index] === closeBracket) return index + 1 === span[1] ? elements : undefined;
  for (;;) {
    const end = endOfValue(body, index);
    if (end === -1 || end > span[1]) return undefined;
    elements.push([index, end]);
    index = skipWhitespace(body, end);
    if (body[index] === comma) {
      index = skipWhitespace(body, index + 1);
      continue;
    }
    return body[index] === closeBracket && index + 1 === span[1] ? elements : undefined;
  }
}

/** Parses the value at `span` (small values only: this is where a full parse is still worth it). */
export function parseSpan(body: Buffer, span: Span | undefined): unknown {
  if (span === undefined) return undefined;
  const [start, end] = span;
  // A string without escapes (a model name, a session id) decodes directly, without the JSON parser.
  if (body[start] === quote && !hasBackslash(body, start + 1, end - 1)) {
    return body.toString('utf8', start + 1, end - 1);
  }
  try {
    return JSON.parse(body.toString('utf8', start, end));
  } catch {
    return undefined;
  }
}

/**
 * The JSON number at `span`, or `undefined` when the value there is not a number. Token counts are plain
 * integers, read from the digits directly.
 */
export function numberAt(body: Buffer, span: Span | undefined): number | undefined {
  if (span === undefined) return undefined;
  const [start, end] = span;
  if (end - start <= 15) {
    let value = 0;
    let at = start;
    for (; at < end; at++) {
      const digit = (body[at] as number) - 0x30;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    if (at === end && end > start) return value;
  }
  const first = body[start] as number;
  if (first !== 0x2d /* - */ && (first < 0x30 || first > 0x39)) return undefined;
  const value = Number(body.toString('latin1', start, end));
  return Number.isFinite(value) ? value : undefined;
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

function hasBackslash(body: Buffer, start: number, end: number): boolean {
  if (end - start > shortStringInBytes) {
    const at = body.indexOf(backslash, start);
    return at !== -1 && at < end;
  }
  for (let at = start; at < end; at++) if (body[at] === backslash) return true;
  return false;
}

/** The index just past the closing quote of the string opening at `start`, or -1. */
function endOfString(body: Buffer, start: number): number {
  let from = start + 1;
  const shortEnd = Math.min(body.length, from + shortStringInBytes);
  while (from < shortEnd) {
    const byte = body[from];
    if (byte === quote) return from + 1;
    from += byte === backslash ? 2 : 1;
  }
  for (;;) {
    const at = body.indexOf(quote, from);
    if (at === -1) return -1;
    // Counting backwards is right wherever the search resumed: the opening quote stops the count.
    let backslashes = 0;
    for (let before = at - 1; body[before] === backslash; before--) backslashes++;
    if (backslashes % 2 === 0) return at + 1;
    from = at + 1;
  }
}

/**
 * Closing brackets still expected while walking one value, used as a stack up to `depth` (so at most
 * `maxNestingDepth` long). Reused, since scans never interleave; its length is never reset, because shrinking an array gives its storage back and every push after
 * that allocates again.
 */
const expectedClosers: number[] = [];

/** The index just past the value starting at `start`, or -1 when it does not end properly. */
export function endOfValue(body: Buffer, start: number): number {
  return endOfValueWalking(body, start, simdAfterBytes);
}

/**
 * {@link endOfValue}, walking an object or array in JavaScript for its first `walkBytes` (`simdAfterBytes`: a large
 * body's few large values, the conversation, the tool list, the system prompt, are most of its bytes, and the SIMD
 * walk (`_container-end.ts`) takes them from there; 0: the SIMD walk at once).
 */
function endOfValueWalking(body: Buffer, start: number, walkBytes: number): number {
  const first = body[start];
  if (first === quote) return endOfString(body, start);
  if (first === openBrace || first === openBracket) {
    if (walkBytes > 0) {
      const end = endOfContainerWalk(body, start, start + walkBytes);
      if (end !== walkStopped) return end;
    }
    return endOfContainerSimd(body, start, maxNestingDepth) ?? endOfContainerWalk(body, start, body.length);
  }
  // A number, true, false or null: up to the next delimiter.
  let index = start;
  while (index < body.length) {
    const byte = body[index];
    if (byte === comma || byte === closeBrace || byte === closeBracket || isJsonWhitespace(byte)) break;
    index++;
  }
  return index === start ? -1 : index;
}

/** What {@link endOfContainerWalk} returns when it reached `stopAt` before the value ended. */
export const walkStopped = -2;

/**
 * The index just past the object or array starting at `start`, -1 when it does not end properly, or
 * {@link walkStopped} once the walk reaches `stopAt` inside it. Byte by byte in JavaScript: the walk for small
 * values, and for large ones where WebAssembly SIMD is not available.
 */
export function endOfContainerWalk(body: Buffer, start: number, stopAt: number): number {
  const stack = expectedClosers;
  const limit = Math.min(stopAt, body.length);
  // Stopped early, a long string is not searched to its end: the SIMD walk would cover it again.
  const bounded = limit < body.length;
  let depth = 0;
  let index = start;
  while (index < limit) {
    const byte = body[index] as number;
    if (byte === quote) {
      index = bounded ? endOfStringBefore(body, index, limit) : endOfString(body, index);
      if (index < 0) return index;
      continue;
    }
    if (byte === backslash) {
      // Outside a string a backslash is no JSON at all, and the upstream refuses the body. A quote after an odd run
      // of them is escaped all the same, as in the SIMD walk (which marks escaped quotes before it knows the
      // strings): both walks then end every value in the same place, so every scan of a body agrees, whichever
      // walk each took.
      let after = index + 1;
      while (body[after] === backslash) after++;
      index = (after - index) % 2 === 1 && body[after] === quote ? after + 1 : after;
      continue;
    }
    if (byte === openBrace || byte === openBracket) {
      // `depth` counts this value's own levels; the object holding it is one more.
      if (depth + 1 >= maxNestingDepth) return -1;
      stack[depth++] = byte === openBrace ? closeBrace : closeBracket;
    } else if (byte === closeBrace || byte === closeBracket) {
      if (depth === 0 || stack[--depth] !== byte) return -1;
      if (depth === 0) return index + 1;
    }
    index++;
  }
  return limit < body.length ? walkStopped : -1;
}

/** The index just past the closing quote of the string opening at `start`, or {@link walkStopped} at `limit`. */
function endOfStringBefore(body: Buffer, start: number, limit: number): number {
  for (let index = start + 1; index < limit; index++) {
    const byte = body[index];
    if (byte === quote) return index + 1;
    if (byte === backslash) index++;
  }
  return walkStopped;
}
