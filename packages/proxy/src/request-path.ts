import { isUtf8 } from 'node:buffer';

/** Why a request path was refused (the message of a 400). */
export interface PathRefusal {
  readonly refused: string;
}

// What may stand unescaped in a path (RFC 3986 §3.3: pchar and "/"), by character code; `%` starts an escape.
const allowedRaw = new Uint8Array(128);
for (const character of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/%") {
  allowedRaw[character.charCodeAt(0)] = 1;
}
// Unreserved characters (RFC 3986 §2.3): an escape of one of them means the character itself.
const unreserved = new Uint8Array(128);
for (const character of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') {
  unreserved[character.charCodeAt(0)] = 1;
}

const slash = 0x2f;
const dot = 0x2e;
const percent = 0x25;
const backslash = 0x5c;

const notAPath: PathRefusal = { refused: 'the request target must be a path starting with "/"' };
const dotSegment: PathRefusal = { refused: 'the request path has a "." or ".." segment' };
const emptySegment: PathRefusal = {
  refused: 'the request path has an empty segment ("//" or a trailing "/")',
};
const separator: PathRefusal = {
  refused: 'the request path has a backslash or an encoded "/" or "\\" (%2F, %5C)',
};
const control: PathRefusal = { refused: 'the request path has NUL or another control character' };
const malformed: PathRefusal = { refused: 'the request path has a malformed percent-escape' };
const doubleEncoded: PathRefusal = { refused: 'the request path has an encoded "%" (%25): double encoding' };
const badUtf8: PathRefusal = { refused: 'the request path has percent-escapes that are not UTF-8' };
const badCharacter: PathRefusal = {
  refused: 'the request path has a character that must be percent-encoded',
};

/**
 * The path of a request (the request target before its `?`) in the one spelling ccb compares and forwards, or why
 * it is refused. Escapes of unreserved characters are decoded (RFC 3986 §2.3: `/v1/%6Dessages` is `/v1/messages`)
 * and other escapes upper-cased (§6.2.2.1); each escape is decoded once, never twice. Refused, because an upstream
 * that normalises paths would see another path than ccb did (`/v1/../x` escapes a provider's base path, and
 * `/v1/./messages` would skip the Messages handling): `.` and `..` segments, also encoded (`%2e`); empty segments;
 * encoded separators (`%2F`, `%5C`) and raw backslashes; NUL and other control characters, raw or encoded; an
 * encoded `%` (double encoding: `%252e` is `.` to an upstream that decodes twice); malformed escapes; escapes that
 * are not UTF-8 (overlong `%C0%AE` is `.` to a lax decoder); and any character RFC 3986 does not allow raw in a path.
 * `/` alone is the one path whose last segment may be empty. Allocates only when the path has an escape.
 */
export function normalizeRequestPath(path: string): string | PathRefusal {
  if (path.charCodeAt(0) !== slash) return notAPath;
  const length = path.length;
  let escaped = false;
  for (let index = 0; index < length; index++) {
    const code = path.charCodeAt(index);
    if (code >= 128 || allowedRaw[code] === 0) {
      if (code === backslash) return separator;
      return code < 0x20 || code === 0x7f ? control : badCharacter;
    }
    if (code === percent) escaped = true;
  }
  return checkSegments(escaped ? decodeUnreserved(path) : path);
}

/** Decodes escapes of unreserved characters and upper-cases the others, refusing the ones no path may hold. */
function decodeUnreserved(path: string): string | PathRefusal {
  let out = '';
  // Every byte the path stands for, to check that its escapes spell UTF-8.
  const bytes: number[] = [];
  let highBytes = false;
  for (let index = 0; index < path.length; index++) {
    const code = path.charCodeAt(index);
    if (code !== percent) {
      out += path[index];
      bytes.push(code);
      continue;
    }
    const byte = hexValue(path.charCodeAt(index + 1)) * 16 + hexValue(path.charCodeAt(index + 2));
    if (!(byte >= 0)) return malformed;
    index += 2;
    if (byte === slash || byte === backslash) return separator;
    if (byte < 0x20 || byte === 0x7f) return control;
    if (byte === percent) return doubleEncoded;
    if (byte < 128 && unreserved[byte] === 1) out += String.fromCharCode(byte);
    else out += `%${byte < 16 ? '0' : ''}${byte.toString(16).toUpperCase()}`;
    if (byte >= 128) highBytes = true;
    bytes.push(byte);
  }
  if (highBytes && !isUtf8(Uint8Array.from(bytes))) return badUtf8;
  return out;
}

/** Refuses `.` and `..` segments and empty ones; `/` alone is the root. */
function checkSegments(path: string | PathRefusal): string | PathRefusal {
  if (typeof path !== 'string' || path.length === 1) return path;
  let start = 1;
  for (let index = 1; index <= path.length; index++) {
    if (index < path.length && path.charCodeAt(index) !== slash) continue;
    const size = index - start;
    if (size === 0) return emptySegment;
    if (
      path.charCodeAt(start) === dot &&
      (size === 1 || (size === 2 && path.charCodeAt(start + 1) === dot))
    ) {
      return dotSegment;
    }
    start = index + 1;
  }
  return path;
}

/** 0–15 for a hex digit, NaN otherwise (also past the end). */
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return Number.NaN;
}
