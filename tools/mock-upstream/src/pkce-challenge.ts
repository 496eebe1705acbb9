import { createHash } from 'node:crypto';

/**
 * The PKCE S256 challenge of a code verifier: base64url (no padding) of its SHA-256 (RFC 7636 §4.2). The mock's
 * token endpoint recomputes it from `code_verifier` and compares it with the challenge given at authorization.
 */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
