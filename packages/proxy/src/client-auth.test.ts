import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createClientAuth, createKeyFingerprint, createProcessKeyFingerprint } from './client-auth.js';

describe('createKeyFingerprint', () => {
  it('is 12 hex digits of HMAC-SHA-256 keyed by the secret, stable for one secret', () => {
    const fingerprint = createKeyFingerprint('a-secret-of-some-length');
    const expected = createHmac('sha256', 'a-secret-of-some-length')
      .update('sk-client')
      .digest('hex')
      .slice(0, 12);
    expect(fingerprint('sk-client')).toBe(expected);
    expect(createKeyFingerprint('a-secret-of-some-length')('sk-client')).toBe(expected);
    expect(fingerprint('sk-client')).toMatch(/^[0-9a-f]{12}$/);
  });

  it('differs across secrets and is not the plain hash of the key, which a short key could be guessed from', () => {
    const one = createKeyFingerprint(Buffer.alloc(32, 1))('short');
    const two = createKeyFingerprint(Buffer.alloc(32, 2))('short');
    expect(one).not.toBe(two);
    const plainHash = createHash('sha256').update('short').digest('hex').slice(0, 12);
    expect([one, two]).not.toContain(plainHash);
  });

  it('tells keys apart, and a process fingerprint is stable within the process only', () => {
    const fingerprint = createKeyFingerprint('secret');
    expect(fingerprint('key-a')).not.toBe(fingerprint('key-b'));
    const processOne = createProcessKeyFingerprint();
    expect(processOne('key-a')).toBe(processOne('key-a'));
    expect(createProcessKeyFingerprint()('key-a')).not.toBe(processOne('key-a'));
  });

  it('refuses an empty secret', () => {
    expect(() => createKeyFingerprint('')).toThrow(TypeError);
  });
});

describe('createClientAuth', () => {
  const fingerprint = createKeyFingerprint('secret');
  const auth = createClientAuth(['key-a', 'key-b'], fingerprint);

  it('accepts a configured key in either header and names it by its keyed fingerprint', () => {
    expect(auth.verify('key-a', undefined)).toBe(fingerprint('key-a'));
    expect(auth.verify(undefined, 'Bearer key-b')).toBe(fingerprint('key-b'));
    expect(auth.verify('nope', undefined)).toBeUndefined();
    expect(auth.verify(undefined, undefined)).toBeUndefined();
  });

  it('fingerprints the key a refused request presented, and a missing key as none', () => {
    expect(auth.fingerprintOf('wrong', undefined)).toBe(fingerprint('wrong'));
    expect(auth.fingerprintOf(undefined, 'bearer wrong')).toBe(fingerprint('wrong'));
    expect(auth.fingerprintOf(undefined, undefined)).toBe('none');
    expect(auth.fingerprintOf('', undefined)).toBe('none');
    expect(auth.fingerprintOf(undefined, 'Basic abc')).toBe('none');
  });
});
