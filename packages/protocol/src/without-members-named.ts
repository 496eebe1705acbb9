import { colon, comma, openBrace, skipWhitespace, skipWhitespaceBack } from './_json-bytes.js';
import { memberCut } from './_member-cut.js';
import { endOfValue, type Span } from './scan-json.js';

/**
 * The bytes of the JSON value at `span` without any member named `key` (spelled literally, without escapes), at any
 * depth, as pieces of `body` in order (no copy). Each member goes with the comma that joins it to a neighbour, so
 * the pieces spell what the client would have sent without that member, all other bytes kept as they are
 * (formatting, key order, escapes); only the indentation around a member that was alone in its object remains.
 *
 * A `"<key>"` in the bytes is taken for a member's key only where a key can stand: after `{` or `,` and before a
 * colon, with whitespace between. Inside a string a quote is escaped, so the quoted key cannot start there; it can
 * end a string (`"a\"<key>"`), which the byte before it tells apart. A value that does not end properly stops the
 * removal and is kept whole.
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
    if (value[colonAt] !== colon || !opensMember(value, keyAt)) continue;
    const valueEnd = endOfValue(value, skipWhitespace(value, colonAt + 1));
    if (valueEnd < 0) break;
    const [cutStart, cutEnd] = memberCut(value, keyAt, valueEnd, from);
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

/** Whether the byte before `keyAt`, past whitespace, is one a member's key follows: `{` or `,`. */
function opensMember(value: Buffer, keyAt: number): boolean {
  const before = value[skipWhitespaceBack(value, keyAt - 1)];
  return before === openBrace || before === comma;
}
