/** The bytes of JSON's structure, shared by the forward scan and the backward walk from the end of a body. */
export const quote = 0x22;
export const backslash = 0x5c;
export const openBrace = 0x7b;
export const closeBrace = 0x7d;
export const openBracket = 0x5b;
export const closeBracket = 0x5d;
export const colon = 0x3a;
export const comma = 0x2c;

/** JSON's whitespace: space, line feed, carriage return, tab. */
export function isJsonWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** The index of the first byte at or after `index` that is not whitespace (the length, past the end). */
export function skipWhitespace(body: Buffer, index: number): number {
  let at = index;
  while (isJsonWhitespace(body[at])) at++;
  return at;
}

/** The index of the last byte before `index + 1` that is not whitespace, or `floor - 1` when none is at or above `floor`. */
export function skipWhitespaceBack(body: Buffer, index: number, floor = 0): number {
  let at = index;
  while (at >= floor && isJsonWhitespace(body[at])) at--;
  return at;
}
