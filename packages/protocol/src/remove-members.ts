import { backslash, colon, openBrace, quote, skipWhitespace, skipWhitespaceBack } from './_json-bytes.js';
import { memberCut } from './_member-cut.js';
import type { Span } from './scan-json.js';

/**
 * A copy of the JSON object `body` without the members whose values are at `valueSpans` (as {@link scanTopLevel}
 * found them), with `prefix` (members such as `"a":1`, no braces) inserted first; every other byte unchanged, so the
 * body keeps its formatting, key order and the bytes a prompt cache is keyed on. `body` itself is not modified.
 * @throws {RangeError} when a span does not follow a key and colon (not a span of this object's members)
 */
export function removeMembers(body: Buffer, valueSpans: readonly Span[], prefix = ''): Buffer {
  // Cut ranges, in body order: each member with one comma next to it.
  const cuts = valueSpans.map((span) => memberRange(body, span)).sort((left, right) => left[0] - right[0]);
  const parts: Buffer[] = [];
  let from = 0;
  for (const [start, end] of cuts) {
    parts.push(body.subarray(from, start));
    from = end;
  }
  parts.push(body.subarray(from));
  const rest = Buffer.concat(parts);
  if (prefix === '') return rest;
  const open = rest.indexOf(openBrace);
  if (open === -1) throw new RangeError('the body is not a JSON object');
  const afterOpen = skipWhitespace(rest, open + 1);
  const empty = rest[afterOpen] === 0x7d;
  return Buffer.concat([
    rest.subarray(0, open + 1),
    Buffer.from(empty ? prefix : `${prefix},`),
    rest.subarray(open + 1),
  ]);
}

/** The bytes of one member `"key": value` plus the comma that joins it to its neighbour (the previous one if any). */
function memberRange(body: Buffer, span: Span): Span {
  let at = skipWhitespaceBack(body, span[0] - 1);
  if (body[at] !== colon) throw new RangeError('a member span does not follow a colon');
  at = skipWhitespaceBack(body, at - 1);
  if (body[at] !== quote) throw new RangeError('a member span does not follow a key');
  // The key's opening quote: the previous quote not escaped by an odd run of backslashes.
  let keyStart = at - 1;
  for (;;) {
    keyStart = body.lastIndexOf(quote, keyStart);
    if (keyStart < 0) throw new RangeError('a member key is not closed');
    let slashes = 0;
    while (body[keyStart - 1 - slashes] === backslash) slashes++;
    if (slashes % 2 === 0) break;
    keyStart--;
  }
  return memberCut(body, keyStart, span[1]);
}
