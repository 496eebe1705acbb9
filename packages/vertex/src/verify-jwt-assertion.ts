import { createVerify, type KeyLike } from 'node:crypto';

/** What a token endpoint checks of a service account's assertion. */
export interface JwtAssertionCheck {
  readonly assertion: string;
  /** The service account's public key (PEM or KeyObject). */
  readonly publicKey: KeyLike;
  /** The account the assertion must be issued by (`iss`). */
  readonly clientEmail: string;
  /** The token endpoint's URL: the assertion's audience (`aud`). */
  readonly audience: string;
  /** Now, ms since the epoch. */
  readonly nowInMs: number;
}

/** What a verified assertion asked for. */
export interface VerifiedAssertion {
  readonly scope: string;
  readonly expiresAtInSeconds: number;
}

/**
 * Checks a JWT assertion as Google's token endpoint does (for the mock upstream and tests): an RS256 signature by the
 * account's key, its `iss`, its `aud`, and a time window (`iat` not in the future, `exp` not past, at most an hour).
 * `undefined` when any check fails.
 */
export function verifyJwtAssertion(check: JwtAssertionCheck): VerifiedAssertion | undefined {
  const parts = check.assertion.split('.');
  if (parts.length !== 3) return undefined;
  const [header, claims, signature] = parts as [string, string, string];
  try {
    const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
    if (head.alg !== 'RS256') return undefined;
    const valid = createVerify('RSA-SHA256')
      .update(`${header}.${claims}`)
      .verify(check.publicKey, Buffer.from(signature, 'base64url'));
    if (!valid) return undefined;
    const body = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as Record<string, unknown>;
    const now = Math.floor(check.nowInMs / 1000);
    const { iss, aud, iat, exp, scope } = body;
    if (iss !== check.clientEmail || aud !== check.audience || typeof scope !== 'string') return undefined;
    if (typeof iat !== 'number' || typeof exp !== 'number') return undefined;
    // Google allows a little clock skew; an hour at most between iat and exp.
    if (iat > now + 60 || exp < now || exp - iat > 3600) return undefined;
    return { scope, expiresAtInSeconds: exp };
  } catch {
    return undefined;
  }
}
