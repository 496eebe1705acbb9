import { colon, comma } from './_json-bytes.js';
import { endOfValue, type Span, skipWhitespace } from './scan-json.js';

/**
 * The bytes of the JSON value at `span` without any member named `key`, at any depth, as pieces of `body` in order
 * (no copy). Each member goes with the comma that joins it to a neighbour, so the pieces spell what the client would
 * have sent without that member; all other bytes are kept as they are (formatting, key order, escapes).
 *
 * Every `"<key>"` in the bytes is a string token of its own: inside a JSON string a quote is escaped, so the key's
 * quoted form cannot appear there. Followed by a colon it is a member's key; otherwise (a string value) it stays.
 * A value that does not end properly stops the removal and is kept whole.
 */
export function withoutMembersNamed(body: Buffer, span: Span, key: string): Buffer[] {
  const quotedKey = quoted(key);
  // A view of the span alone: a search must not run on into the rest of the body.
  const value = body.subarray(span[0], span[1]);
  const pieces: Buffer[] = [];
  let from = 0;
  let searchFrom = 0;
  for (;;) {
    const keyAt = value.indexOf(quotedKey, searchFrom);
    if (keyAt === -1) break;
    searchFrom = keyAt + quotedKey.length;
    const colonAt = skipWhitespace(value, searchFrom);
    if (value[colonAt] !== colon) continue;
    const valueEnd = endOfValue(value, skipWhitespace(value, colonAt + 1));
    if (valueEnd < 0) break;
    const [cutStart, cutEnd] = memberCut(value, from, keyAt, valueEnd);
    pieces.push(value.subarray(from, cutStart));
    from = cutEnd;
    searchFrom = cutEnd;
  }
  pieces.push(value.subarray(from));
  return pieces;
}

let lastKey = '';
let lastQuoted = Buffer.from('""');

/** `"<key>"` as bytes, made again only when the key changes (callers ask for the same one on every request). */
function quoted(key: string): Buffer {
  if (key !== lastKey) {
    lastQuoted = Buffer.from(JSON.stringify(key));
    lastKey = key;
  }
  return lastQuoted;
}

/** The member from `keyAt` to `valueEnd` with its joining comma: the one before it, else the one after it. */
function memberCut(body: Buffer, floor: number, keyAt: number, valueEnd: number): Span {
  let before = keyAt - 1;
  while (before >= floor && isWhitespace(body[before])) before--;
  if (before >= floor && body[before] === comma) return [before, valueEnd];
  const after = skipWhitespace(body, valueEnd);
  if (body[after] === comma) return [keyAt, skipWhitespace(body, after + 1)];
  return [keyAt, valueEnd];
}

function isWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
