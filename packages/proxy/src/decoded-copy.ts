import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/**
 * A decoded copy of a (possibly compressed) body, for reading it; the original bytes are what is relayed. Decoding
 * stops at `maxBytes`: a small body that inflates to gigabytes (a hostile or broken upstream) gives the raw body
 * back, which reads as nothing, instead of stalling ccb and filling its memory.
 */
export function decodedCopy(body: Buffer, encoding: string | string[] | undefined, maxBytes: number): Buffer {
  return decodeBody(body, encoding, maxBytes) ?? body;
}

/**
 * `body` decoded from its `content-encoding` (gzip, deflate, br; none or `identity`: the body itself), or
 * `undefined` when it cannot be: an unknown or stacked encoding, corrupt data, or more than `maxBytes` once
 * decoded. zlib's `maxOutputLength` stops inflating at the bound, so a bomb costs `maxBytes` of memory and time.
 */
export function decodeBody(
  body: Buffer,
  encoding: string | string[] | undefined,
  maxBytes: number,
): Buffer | undefined {
  if (encoding === undefined || encoding === 'identity' || body.length === 0) return body;
  const options = { maxOutputLength: maxBytes };
  try {
    switch (String(encoding).trim().toLowerCase()) {
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(body, options);
      case 'deflate':
        return inflateSync(body, options);
      case 'br':
        return brotliDecompressSync(body, options);
      case 'identity':
        return body;
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}
