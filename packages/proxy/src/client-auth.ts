import { createHash, timingSafeEqual } from 'node:crypto';

/** Checks client credentials against the configured keys, in constant time. */
export interface ClientAuth {
  /** True when no keys are configured: every client is accepted. */
  readonly open: boolean;
  /**
   * The key id (a short fingerprint, safe to log) of the presented key when it is accepted, `undefined` when it
   * is refused. With no keys configured, returns `""` for everyone.
   */
  verify(apiKey: string | undefined, authorization: string | undefined): string | undefined;
}

/** A short, non-reversible fingerprint of a key, safe for logs and metrics. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** Builds the checker from the configured client keys (`auth.api_keys`). */
export function createClientAuth(keys: readonly string[]): ClientAuth {
  // Comparing fixed-size digests keeps the comparison constant-time whatever the presented length.
  const digests = keys.map((key) => ({
    digest: createHash('sha256').update(key).digest(),
    id: keyFingerprint(key),
  }));
  if (digests.length === 0) return { open: true, verify: () => '' };
  return {
    open: false,
    verify(apiKey, authorization) {
      const presented = apiKey ?? bearerToken(authorization);
      if (presented === undefined || presented === '') return undefined;
      const digest = createHash('sha256').update(presented).digest();
      let match: string | undefined;
      for (const candidate of digests) {
        if (timingSafeEqual(candidate.digest, digest)) match = candidate.id;
      }
      return match;
    },
  };
}

function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const space = authorization.indexOf(' ');
  if (space === -1 || authorization.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  return authorization.slice(space + 1).trim();
}
