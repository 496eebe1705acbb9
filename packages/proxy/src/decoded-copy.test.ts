import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody, decodedCopy } from './decoded-copy.js';

const inflated = Buffer.alloc(32 * 1024 * 1024, 'a');
const encoded = {
  gzip: gzipSync(inflated),
  deflate: deflateSync(inflated),
  br: brotliCompressSync(inflated),
};
const bound = 1024 * 1024;

describe('decodedCopy', () => {
  it.each(Object.entries(encoded))(
    'stops decoding %s at the bound and gives the raw body back',
    (name, body) => {
      // Compared by identity: a failing diff of MiB-sized buffers would swamp the report.
      expect(decodedCopy(body, name, bound) === body).toBe(true);
      expect(decodeBody(body, name, bound) === undefined).toBe(true);
    },
  );

  it.each(Object.entries(encoded))('decodes %s within the bound', (name, body) => {
    expect(decodeBody(body, name, inflated.length)?.equals(inflated)).toBe(true);
  });

  it('reads an identity body as it is, and an unknown or corrupt encoding as nothing', () => {
    const plain = Buffer.from('{"a":1}');
    expect(decodeBody(plain, undefined, 1)).toBe(plain);
    expect(decodeBody(plain, 'identity', 1)).toBe(plain);
    expect(decodeBody(plain, 'zstd', bound)).toBeUndefined();
    expect(decodeBody(plain, 'gzip', bound)).toBeUndefined();
    expect(decodeBody(plain, ['gzip', 'br'], bound)).toBeUndefined();
    expect(decodedCopy(plain, 'gzip', bound)).toBe(plain);
  });
});
