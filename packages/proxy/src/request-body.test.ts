import { simdAfterBytes } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import { RequestBody } from './request-body.js';

const pieces = [Buffer.from('{"model":'), Buffer.from('"m","x":['), Buffer.from('1]}')];

describe('RequestBody', () => {
  it('joins its pieces once, on demand, and hands undici the pieces until then', () => {
    const body = new RequestBody(pieces, 21);
    const wire = body.wire(false);
    expect(Buffer.isBuffer(wire)).toBe(false);
    expect([...(wire as Iterable<Buffer>)]).toEqual(pieces);
    const joined = body.bytes();
    expect(joined.toString()).toBe('{"model":"m","x":[1]}');
    expect(body.bytes()).toBe(joined);
    expect(body.wire(false)).toBe(joined);
  });

  it('gives each send the pieces once: a second pass over the same send is empty', () => {
    const wire = new RequestBody(pieces, 21).wire(false) as Iterable<Buffer>;
    expect([...wire]).toHaveLength(3);
    expect([...wire]).toHaveLength(0);
  });

  it('reads a body in pieces in one shared buffer that the next read reuses, and gives back what was read', () => {
    let first: Buffer | undefined;
    expect(
      new RequestBody(pieces, 21).read((bytes) => {
        first = bytes;
        return bytes.toString();
      }),
    ).toBe('{"model":"m","x":[1]}');
    let second: Buffer | undefined;
    const body = new RequestBody([Buffer.from('{"a":'), Buffer.from('2}')], 7);
    expect(
      body.read((bytes) => {
        second = bytes;
        return bytes.toString();
      }),
    ).toBe('{"a":2}');
    // The same memory: what the first read needed had to be copied out before.
    expect(second?.buffer).toBe(first?.buffer);
    // Reading did not join the body: undici still gets its pieces.
    expect(Buffer.isBuffer(body.wire(false))).toBe(false);
  });

  it('reads a body in one piece in the shared buffer too, unless it is short enough to read where it is', () => {
    const long = Buffer.from(`{"model":"m","messages":[${'1,'.repeat(200)}1]}`);
    expect(long.length).toBeGreaterThan(simdAfterBytes);
    const shared = new RequestBody([Buffer.from('{"a":'), Buffer.from('2}')], 7).read(
      (bytes) => bytes.buffer,
    );
    let read: Buffer | undefined;
    const body = new RequestBody([long], long.length);
    expect(
      body.read((bytes) => {
        read = bytes;
        return bytes.toString();
      }),
    ).toBe(long.toString());
    expect(read?.buffer).toBe(shared);
    // Nothing was joined or copied for undici: it sends the piece as it came.
    expect(body.wire(false)).toBe(long);
    const short = Buffer.from(`{"model":"${'m'.repeat(simdAfterBytes - 12)}"}`);
    expect(short.length).toBe(simdAfterBytes);
    expect(new RequestBody([short], short.length).read((bytes) => bytes)).toBe(short);
  });

  it('joins a body in pieces larger than the shared buffer takes, once, and sends it joined from then on', () => {
    const large = [Buffer.alloc(3 * 1024 * 1024, 0x61), Buffer.alloc(1024 * 1024 + 1, 0x62)];
    const body = new RequestBody(large, 4 * 1024 * 1024 + 1);
    let read: Buffer | undefined;
    expect(
      body.read((bytes) => {
        read = bytes;
        return bytes.length;
      }),
    ).toBe(body.length);
    // Too large for the shared buffer: read joined, and the joined copy replaces the pieces.
    expect(read).toBe(body.bytes());
    expect(body.wire(false)).toBe(read);
    expect(body.pieces).toHaveLength(1);
    expect(body.pieces[0]).toBe(read);
  });

  it('holds a joined body once, and cuts a prefix without joining', () => {
    const body = new RequestBody(pieces, 21);
    expect(body.prefix(12).toString()).toBe('{"model":"m"');
    expect(body.prefix(100).toString()).toBe('{"model":"m","x":[1]}');
    const joined = body.bytes();
    expect(body.pieces).toEqual([joined]);
    expect(body.prefix(3).toString()).toBe('{"m');
  });

  it('hands a stream its one buffer as a one-shot iterable, empty once iterated', () => {
    const one = Buffer.from('{"model":"m"}');
    const short = new RequestBody([one], one.length);
    expect(short.wire(false)).toBe(one);
    const wire = short.wire(true);
    expect(Buffer.isBuffer(wire)).toBe(false);
    expect([...(wire as Iterable<Buffer>)]).toEqual([one]);
    expect([...(wire as Iterable<Buffer>)]).toEqual([]);
  });

  it('keeps its length after release, and refuses to be read again', () => {
    const body = new RequestBody(pieces, 21);
    body.release();
    expect(body.length).toBe(21);
    expect(() => body.bytes()).toThrow(/released/);
    expect(() => body.wire(false)).toThrow(/released/);
    expect(() => body.read((bytes) => bytes.length)).toThrow(/released/);
    expect(() => body.prefix(1)).toThrow(/released/);
    expect(() => body.pieces).toThrow(/released/);
  });
});
