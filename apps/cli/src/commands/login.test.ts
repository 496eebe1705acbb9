import { describe, expect, it } from 'vitest';
import { describeSignIn } from './login.js';

describe('describeSignIn', () => {
  it('names the file and the expiry in one line and never a token', () => {
    const line = describeSignIn('max', '/etc/ccb/max.json', {
      accessToken: 'sk-ant-oat01-secret',
      refreshToken: 'sk-ant-ort01-secret',
      expiresAt: Date.UTC(2026, 11, 6, 15, 0, 0),
    });
    expect(line).toBe(
      'Signed in provider "max": tokens written to /etc/ccb/max.json (mode 0600); the access token expires at 2026-12-06T15:00:00.000Z, ccb refreshes it before then.',
    );
    expect(line).not.toContain('secret');
  });

  it('says when there is no refresh token and no expiry', () => {
    expect(describeSignIn('max', 'f.json', { accessToken: 'sk-ant-oat01-secret' })).toBe(
      'Signed in provider "max": tokens written to f.json (mode 0600); the access token has no stated expiry, no refresh token was issued, so sign in again when it expires.',
    );
  });
});
