import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPkce } from './pkce.js';

describe('createPkce', () => {
  it('derives the challenge as base64url(sha256(verifier)) without padding', () => {
    const { verifier, challenge } = createPkce();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(challenge).not.toContain('=');
  });

  it('draws a new verifier and state every time', () => {
    const first = createPkce();
    const second = createPkce();
    expect(second.verifier).not.toBe(first.verifier);
    expect(second.state).not.toBe(first.state);
    expect(first.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
