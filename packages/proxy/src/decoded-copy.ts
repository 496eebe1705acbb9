import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** A decoded copy of a (possibly compressed) body, for reading it; the original bytes are what is relayed. */
export function decodedCopy(body: Buffer, encoding: string | string[] | undefined): Buffer {
  if (encoding === undefined || encoding === 'identity' || body.length === 0) return body;
  try {
    switch (String(encoding).trim().toLowerCase()) {
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(body);
      case 'deflate':
        return inflateSync(body);
      case 'br':
        return brotliDecompressSync(body);
      default:
        return body;
    }
  } catch {
    return body;
  }
}
