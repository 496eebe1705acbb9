import { describe, expect, it } from 'vitest';
import { pkceChallenge } from './pkce-challenge.js';

describe('pkceChallenge', () => {
  it('is the unpadded base64url SHA-256 of the verifier', () => {
    // SHA-256("abc") = ba7816bf…f20015ad (FIPS 180-2 example), whose base64 ends in "=" and holds "+" and "/".
    expect(pkceChallenge('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});
