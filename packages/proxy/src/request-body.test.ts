import { describe, expect, it } from 'vitest';
import { RequestBody } from './request-body.js';

const pieces = [Buffer.from('{"model":'), Buffer.from('"m","x":['), Buffer.from('1]}')];

describe('RequestBody', () => {
  it('joins its pieces once, on demand, and hands undici the pieces until then', () => {
    const body = new RequestBody(pieces, 21);
    const wire = body.wire();
    expect(Buffer.isBuffer(wire)).toBe(false);
    expect([...(wire as Iterable<Buffer>)]).toEqual(pieces);
    const joined = body.bytes();
    expect(joined.toString()).toBe('{"model":"m","x":[1]}');
    expect(body.bytes()).toBe(joined);
    expect(body.wire()).toBe(joined);
  });

  it('gives each send the pieces once: a second pass over the same send is empty', () => {
    const wire = new RequestBody(pieces, 21).wire() as Iterable<Buffer>;
    expect([...wire]).toHaveLength(3);
    expect([...wire]).toHaveLength(0);
  });

  it('reads a body in pieces in a shared buffer that the next read reuses', () => {
    const first = new RequestBody(pieces, 21).scratchBytes();
    expect(first.toString()).toBe('{"model":"m","x":[1]}');
    const second = new RequestBody([Buffer.from('{"a":'), Buffer.from('2}')], 7).scratchBytes();
    expect(second.toString()).toBe('{"a":2}');
    // The same memory: what was read from the first must have been copied out before.
    expect(second.buffer).toBe(first.buffer);
  });

  it('keeps its length after release, and refuses to be read again', () => {
    const body = new RequestBody(pieces, 21);
    body.release();
    expect(body.length).toBe(21);
    expect(() => body.bytes()).toThrow(/released/);
    expect(() => body.wire()).toThrow(/released/);
    expect(() => body.scratchBytes()).toThrow(/released/);
    expect(() => body.pieces).toThrow(/released/);
  });
});
