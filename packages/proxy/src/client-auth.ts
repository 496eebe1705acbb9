import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Checks client credentials against the configured keys, in constant time. */
export interface ClientAuth {
  /** True when no keys are configured: every client is accepted. */
  readonly open: boolean;
  /**
   * The key id (a short fingerprint, safe to log) of the presented key when it is accepted, `undefined` when it
   * is refused. With no keys configured, returns `""` for everyone.
   */
  verify(apiKey: string | undefined, authorization: string | undefined): string | undefined;
  /**
   * The fingerprint of the key a refused request presented, for logs and metrics: {@link missingKeyFingerprint}
   * when it presented none. Only refusals pay for it.
   */
  fingerprintOf(apiKey: string | undefined, authorization: string | undefined): string;
}

/** Turns a key into its fingerprint: 12 hex digits, safe for logs, metrics, the ledger and budgets. */
export type KeyFingerprint = (key: string) => string;

/** What a refused request that presented no key at all is logged and counted as. */
export const missingKeyFingerprint = 'none';

/** Fingerprints are this many hex digits (48 bits): enough to tell a handful of keys apart, short enough to read. */
const fingerprintLength = 12;

/**
 * A keyed fingerprint: the first 12 hex digits of HMAC-SHA-256(`secret`, key). Stable for one secret, unrelated
 * across secrets. The key is what makes it safe to log: a plain hash of a short or guessable key can be reversed by
 * trying candidates, an HMAC cannot without the secret. Give it at least 32 random bytes (or a long random string).
 */
export function createKeyFingerprint(secret: string | Uint8Array): KeyFingerprint {
  if (secret.length === 0) throw new TypeError('createKeyFingerprint needs a non-empty secret');
  return (key) => createHmac('sha256', secret).update(key).digest('hex').slice(0, fingerprintLength);
}

/** A fingerprint with a random secret of its own: stable for this process, different at every start. */
export function createProcessKeyFingerprint(): KeyFingerprint {
  return createKeyFingerprint(randomBytes(32));
}

/**
 * Builds the checker from the configured client keys (`auth.api_keys`) and how keys are fingerprinted (default:
 * {@link createProcessKeyFingerprint}).
 */
export function createClientAuth(
  keys: readonly string[],
  fingerprint: KeyFingerprint = createProcessKeyFingerprint(),
): ClientAuth {
  // Comparing fixed-size digests keeps the comparison constant-time whatever the presented length.
  const digests = keys.map((key) => ({
    digest: hash('sha256', key, 'buffer'),
    id: fingerprint(key),
  }));
  const fingerprintOf = (apiKey: string | undefined, authorization: string | undefined) => {
    const presented = apiKey ?? bearerToken(authorization);
    return presented === undefined || presented === '' ? missingKeyFingerprint : fingerprint(presented);
  };
  if (digests.length === 0) return { open: true, verify: () => '', fingerprintOf };
  return {
    open: false,
    verify(apiKey, authorization) {
      const presented = apiKey ?? bearerToken(authorization);
      if (presented === undefined || presented === '') return undefined;
      // The one-shot form: no Hash object per request.
      const digest = hash('sha256', presented, 'buffer');
      let match: string | undefined;
      for (const candidate of digests) {
        if (timingSafeEqual(candidate.digest, digest)) match = candidate.id;
      }
      return match;
    },
    fingerprintOf,
  };
}

function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const space = authorization.indexOf(' ');
  if (space === -1 || authorization.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  return authorization.slice(space + 1).trim();
}
