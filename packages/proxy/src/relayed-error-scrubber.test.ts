import { brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  createRelayedErrorScrubber,
  type RelayedError,
  type RelayedErrorScrubber,
} from './relayed-error-scrubber.js';

const scrubber = createRelayedErrorScrubber([
  'secret-token-1',
  'secret-token-1-longer',
  'pa"ss\\word-99',
]) as RelayedErrorScrubber;

function error(body: string | Buffer, headers: RelayedError['headers'] = {}): RelayedError {
  return { status: 400, headers, body: typeof body === 'string' ? Buffer.from(body) : body };
}

describe('createRelayedErrorScrubber', () => {
  it('is undefined without secrets, so relaying pays nothing', () => {
    expect(createRelayedErrorScrubber([])).toBeUndefined();
    expect(createRelayedErrorScrubber([''])).toBeUndefined();
  });

  it('gives the same answer back when it holds no secret', () => {
    const clean = error('{"error":"nothing here"}', { 'content-type': 'application/json' });
    expect(scrubber.scrub(clean)).toBe(clean);
  });

  it('removes a secret containing another whole, and secrets as JSON escapes them', () => {
    const scrubbed = scrubber.scrub(
      error(JSON.stringify({ message: 'secret-token-1-longer then secret-token-1 then pa"ss\\word-99' })),
    );
    expect(JSON.parse(scrubbed.body.toString()).message).toBe('[redacted] then [redacted] then [redacted]');
  });

  it('keeps every other byte as it was, valid UTF-8 or not', () => {
    const body = Buffer.concat([
      Buffer.from('é\u{1F600} '),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(' secret-token-1'),
    ]);
    const scrubbed = scrubber.scrub(error(body, { 'content-length': String(body.length) }));
    expect(
      scrubbed.body.equals(Buffer.concat([body.subarray(0, body.length - 14), Buffer.from('[redacted]')])),
    ).toBe(true);
    expect(scrubbed.headers['content-length']).toBe(String(scrubbed.body.length));
  });

  it('scrubs header values, lists included, and drops a header whose name holds a secret', () => {
    const headers = {
      'x-one': 'key=secret-token-1',
      'set-cookie': ['a=1', 'b=secret-token-1'],
      'x-secret-token-1': 'yes',
      'x-clean': 'kept',
    };
    const scrubbed = scrubber.scrub(error('{}', headers));
    expect(scrubbed.headers).toEqual({
      'x-one': 'key=[redacted]',
      'set-cookie': ['a=1', 'b=[redacted]'],
      'x-clean': 'kept',
    });
    expect(headers['x-one']).toBe('key=secret-token-1');
    expect(scrubbed.body.toString()).toBe('{}');
  });

  it('decodes a brotli body to scrub it and sends it decoded', () => {
    const body = brotliCompressSync('{"message":"secret-token-1"}');
    const scrubbed = scrubber.scrub(
      error(body, { 'content-encoding': 'br', 'content-length': String(body.length) }),
    );
    expect(scrubbed.body.toString()).toBe('{"message":"[redacted]"}');
    expect(scrubbed.headers['content-encoding']).toBeUndefined();
    expect(scrubbed.headers['content-length']).toBe(String(scrubbed.body.length));
  });

  it('withholds a body that inflates past 1 MiB, keeping the status and answering in JSON', () => {
    const bomb = brotliCompressSync(Buffer.alloc(8 * 1024 * 1024, 'x'));
    const scrubbed = scrubber.scrub({ status: 529, headers: { 'content-encoding': 'br' }, body: bomb });
    expect(scrubbed.status).toBe(529);
    expect(scrubbed.headers).toEqual({
      'content-type': 'application/json',
      'content-length': String(scrubbed.body.length),
    });
    expect(JSON.parse(scrubbed.body.toString()).error.type).toBe('overloaded_error');
  });
});
