import { createHash, randomBytes } from 'node:crypto';

/** One login attempt's PKCE pair (RFC 7636) and CSRF state, all base64url without padding. */
export interface Pkce {
  /** The secret kept by ccb and sent only to the token endpoint: 32 random bytes, 43 characters. */
  readonly verifier: string;
  /** `BASE64URL(SHA256(verifier))`, sent in the authorize URL with `code_challenge_method=S256`. */
  readonly challenge: string;
  /** 32 random bytes; the pasted `code#state` must carry it back (RFC 6749 §10.12). */
  readonly state: string;
}

/** Creates a fresh PKCE verifier/challenge (S256) and state from `crypto.randomBytes`, as Claude Code's login does. */
export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(32).toString('base64url');
  return Object.freeze({ verifier, challenge, state });
}
