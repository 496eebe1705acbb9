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
  skipWhitespaceBack,
} from './_json-bytes.js';
import type { Span } from './scan-json.js';

/**
 * The span of the value of the JSON object's last top-level member, when that member's key is `key`, found by
 * walking back from the end of the body; `undefined` when the body does not end that way, and the caller scans
 * forward instead. An API response puts `usage` last, so reading it costs the size of `usage`, not of the content
 * before it.
 *
 * Sound for valid JSON: the last `}` closes the root object, so the value just before it belongs to the root's last
 * member, and inside a string every `"` is escaped by an odd run of backslashes, so strings can be skipped
 * backwards. Keys are compared as raw bytes (a response's `usage` key is never escaped), and a repeated key is not
 * refused as the forward scan refuses it: this finds the last copy, the one `JSON.parse` keeps. It reads
 * upstream responses, not client requests, so no routing or pricing decision hangs on a disagreement.
 */
export function lastMemberSpan(body: Buffer, key: Buffer): Span | undefined {
  const close = skipWhitespaceBack(body, body.length - 1);
  if (body[close] !== closeBrace) return undefined;
  const valueEnd = skipWhitespaceBack(body, close - 1);
  if (valueEnd < 0 || body[valueEnd] === openBrace) return undefined;
  const valueStart = startOfValueBack(body, valueEnd);
  if (valueStart <= 0) return undefined;
  const colonAt = skipWhitespaceBack(body, valueStart - 1);
  if (body[colonAt] !== colon) return undefined;
  const keyEnd = skipWhitespaceBack(body, colonAt - 1);
  if (body[keyEnd] !== quote) return undefined;
  const keyStart = startOfStringBack(body, keyEnd);
  if (keyStart < 0 || keyEnd - keyStart - 1 !== key.length) return undefined;
  for (let index = 0; index < key.length; index++) {
    if (body[keyStart + 1 + index] !== key[index]) return undefined;
  }
  const before = body[skipWhitespaceBack(body, keyStart - 1)];
  if (before !== comma && before !== openBrace) return undefined;
  return [valueStart, valueEnd + 1];
}

/** The index of the quote opening the string whose closing quote is at `end`, or -1. */
function startOfStringBack(body: Buffer, end: number): number {
  let from = end - 1;
  for (;;) {
    const at = from < 0 ? -1 : body.lastIndexOf(quote, from);
    if (at === -1) return -1;
    let backslashes = 0;
    for (let before = at - 1; body[before] === backslash; before--) backslashes++;
    if (backslashes % 2 === 0) return at;
    from = at - 1;
  }
}

/** Closing brackets met while walking one value backwards, used as a stack (see `expectedClosers` in scan-json). */
const openClosers: number[] = [];

/** The index where the value ending at `end` (inclusive) starts, or -1 when it does not start properly. */
function startOfValueBack(body: Buffer, end: number): number {
  const last = body[end];
  if (last === quote) return startOfStringBack(body, end);
  if (last === closeBrace || last === closeBracket) {
    const stack = openClosers;
    let depth = 0;
    let index = end;
    while (index >= 0) {
      const byte = body[index] as number;
      if (byte === quote) {
        index = startOfStringBack(body, index);
        if (index === -1) return -1;
        index--;
        continue;
      }
      if (byte === closeBrace || byte === closeBracket) stack[depth++] = byte;
      else if (byte === openBrace || byte === openBracket) {
        const expected = byte === openBrace ? closeBrace : closeBracket;
        if (depth === 0 || stack[--depth] !== expected) return -1;
        if (depth === 0) return index;
      }
      index--;
    }
    return -1;
  }
  // A number, true, false or null: back to the previous delimiter.
  let index = end;
  while (index >= 0) {
    const byte = body[index];
    if (
      byte === colon ||
      byte === comma ||
      byte === openBrace ||
      byte === openBracket ||
      isJsonWhitespace(byte)
    )
      break;
    index--;
  }
  return index === end ? -1 : index + 1;
}
