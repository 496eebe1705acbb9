/** The bytes of JSON's structure, shared by the forward scan and the backward walk from the end of a body. */
export const quote = 0x22;
export const backslash = 0x5c;
export const openBrace = 0x7b;
export const closeBrace = 0x7d;
export const openBracket = 0x5b;
export const closeBracket = 0x5d;
export const colon = 0x3a;
export const comma = 0x2c;
