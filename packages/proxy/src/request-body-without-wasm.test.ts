import { describe, expect, it, vi } from 'vitest';
import { RequestBody } from './request-body.js';

// Node without WebAssembly (`--jitless`): the scan area is never there.
vi.mock('@ccb/protocol', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@ccb/protocol')>()),
  readInScanArea: () => undefined,
}));

describe('RequestBody without the scan area', () => {
  it('reads a body in one piece where it is, and one in pieces in a buffer it reuses', () => {
    const long = Buffer.from(`{"model":"m","messages":[${'1,'.repeat(200)}1]}`);
    let read: Buffer | undefined;
    expect(
      new RequestBody([long], long.length).read((bytes) => {
        read = bytes;
        return bytes.toString();
      }),
    ).toBe(long.toString());
    expect(read).toBe(long);
    const pieces = [long.subarray(0, 100), long.subarray(100)];
    const first = new RequestBody(pieces, long.length).read((bytes) => {
      expect(bytes.toString()).toBe(long.toString());
      return bytes.buffer;
    });
    expect(pieces.some((piece) => piece.buffer === first)).toBe(false);
    const second = new RequestBody([Buffer.from('{"a":'), Buffer.from('2}')], 7).read(
      (bytes) => bytes.buffer,
    );
    expect(second).toBe(first);
  });
});
