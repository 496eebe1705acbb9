import { comma, skipWhitespace, skipWhitespaceBack } from './_json-bytes.js';
import type { Span } from './scan-json.js';

/**
 * The bytes to cut to remove the member from `keyStart` (its key's opening quote) to `valueEnd` (just past its
 * value) from the object holding it, with the comma that joins it to a neighbour: the one before it, with the
 * whitespace before that comma (`1 , "k": v , 2` leaves `1 , 2`), else the one after it, with the whitespace after
 * that comma. What is left reads as if the member had never been sent. Nothing before `floor` is cut.
 */
export function memberCut(body: Buffer, keyStart: number, valueEnd: number, floor = 0): Span {
  const before = skipWhitespaceBack(body, keyStart - 1, floor);
  if (before >= floor && body[before] === comma) {
    return [skipWhitespaceBack(body, before - 1, floor) + 1, valueEnd];
  }
  const after = skipWhitespace(body, valueEnd);
  if (body[after] === comma) return [keyStart, skipWhitespace(body, after + 1)];
  return [keyStart, valueEnd];
}
