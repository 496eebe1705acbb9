/**
 * A byte scanner that finds the value of the top-level `"model"` key in a JSON request body without parsing
 * it. It walks only the top-level object: nested values are skipped by bracket depth, strings by their closing
 * quote, so a `"model"` key inside `messages`, `metadata` or `tools` never matches. It is not a validator:
 * malformed input gives "not found" or an arbitrary answer, never an exception or an endless loop, and the
 * upstream rejects the body anyway. UTF-8 continuation bytes are all >= 0x80, so matching the ASCII
 * structural bytes below is safe inside multi-byte characters.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const SPACE = 0x20;
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** `"model"` with its quotes, the key spelled without escapes, as every real client sends it. */
const MODEL_KEY_LENGTH = 7;
/** The longest escaped spelling of `model`: five `\uXXXX` escapes plus the two quotes. */
const MODEL_KEY_MAX_ESCAPED_LENGTH = 32;

/**
 * The index of the opening quote of the top-level `model` value, or -1 when the body is not a JSON object,
 * has no top-level `model` key, or that key's value is not a string. With duplicate keys the first one
 * decides (RFC 8259 §4 leaves duplicates undefined; stopping early keeps the common case, `model` first,
 * independent of body size).
 */
export function findTopLevelModel(body: Buffer): number {
  let index = skipWhitespace(body, 0);
  if (body[index] !== OPEN_BRACE) return -1;
  index = skipWhitespace(body, index + 1);
  while (body[index] === QUOTE) {
    const keyStart = index;
    const keyEnd = skipString(body, keyStart);
    if (keyEnd === -1) return -1;
    index = skipWhitespace(body, keyEnd);
    if (body[index] !== COLON) return -1;
    index = skipWhitespace(body, index + 1);
    if (isModelKey(body, keyStart, keyEnd)) return body[index] === QUOTE ? index : -1;
    index = skipValue(body, index);
    if (index === -1) return -1;
    index = skipWhitespace(body, index);
    if (body[index] !== COMMA) return -1;
    index = skipWhitespace(body, index + 1);
  }
  return -1;
}

/**
 * The index just past the closing quote of the JSON string whose opening quote is at `start`, or -1 when it
 * is unterminated. A quote is escaped when an odd number of backslashes precede it; each backslash run is
 * counted once, so this stays linear.
 */
export function skipString(body: Buffer, start: number): number {
  let from = start + 1;
  for (;;) {
    // Native memchr: prompt text is most of a request body, and a JS byte loop over it is several times slower.
    const quote = body.indexOf(QUOTE, from);
    if (quote === -1) return -1;
    let backslash = quote - 1;
    while (backslash > start && body[backslash] === BACKSLASH) backslash--;
    if ((quote - backslash) % 2 === 1) return quote + 1;
    from = quote + 1;
  }
}

/** True when the string from `start` (opening quote) to `end` (past the closing quote) contains a backslash. */
export function hasEscape(body: Buffer, start: number, end: number): boolean {
  for (let index = start + 1; index < end - 1; index++) {
    if (body[index] === BACKSLASH) return true;
  }
  return false;
}

function isModelKey(body: Buffer, start: number, end: number): boolean {
  const length = end - start;
  if (length === MODEL_KEY_LENGTH) {
    return (
      body[start + 1] === 0x6d && // m
      body[start + 2] === 0x6f && // o
      body[start + 3] === 0x64 && // d
      body[start + 4] === 0x65 && // e
      body[start + 5] === 0x6c // l
    );
  }
  // `"mod\u0065l"` is the same key to any JSON parser; rare enough to decode the slow way.
  if (length > MODEL_KEY_MAX_ESCAPED_LENGTH || !hasEscape(body, start, end)) return false;
  return decodeJsonString(body, start, end) === 'model';
}

/** Decodes the JSON string literal from `start` to `end`; `undefined` when its escapes are invalid. */
export function decodeJsonString(body: Buffer, start: number, end: number): string | undefined {
  try {
    const decoded: unknown = JSON.parse(body.toString('utf8', start, end));
    return typeof decoded === 'string' ? decoded : undefined;
  } catch {
    return undefined;
  }
}

function skipWhitespace(body: Buffer, start: number): number {
  let index = start;
  while (index < body.length) {
    const byte = body[index];
    if (byte !== SPACE && byte !== LINE_FEED && byte !== CARRIAGE_RETURN && byte !== TAB) break;
    index++;
  }
  return index;
}

/** The index just past the value starting at `start`, or -1 when a string or container is unterminated. */
function skipValue(body: Buffer, start: number): number {
  const first = body[start];
  if (first === QUOTE) return skipString(body, start);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) return skipContainer(body, start);
  // A number, true, false or null: runs up to the next delimiter.
  let index = start;
  while (index < body.length) {
    const byte = body[index];
    if (
      byte === COMMA ||
      byte === CLOSE_BRACE ||
      byte === CLOSE_BRACKET ||
      byte === SPACE ||
      byte === LINE_FEED ||
      byte === CARRIAGE_RETURN ||
      byte === TAB
    ) {
      break;
    }
    index++;
  }
  return index;
}

function skipContainer(body: Buffer, start: number): number {
  let depth = 0;
  let index = start;
  while (index < body.length) {
    const byte = body[index];
    if (byte === QUOTE) {
      index = skipString(body, index);
      if (index === -1) return -1;
      continue;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth++;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return index + 1;
    }
    index++;
  }
  return -1;
}
