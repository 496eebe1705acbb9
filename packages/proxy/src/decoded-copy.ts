import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/**
 * A decoded copy of a (possibly compressed) body, for reading it; the original bytes are what is relayed. Decoding
 * stops at `maxBytes`: a small body that inflates to gigabytes (a hostile or broken upstream) gives the raw body
 * back, which reads as nothing, instead of stalling ccb and filling its memory.
 */
export function decodedCopy(body: Buffer, encoding: string | string[] | undefined, maxBytes: number): Buffer {
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
      default:
        return body;
    }
  } catch {
    return body;
  }
}
