import { createSign } from 'node:crypto';
import type { ServiceAccountCredentials } from './google-credentials.js';

/** How long an assertion is valid: Google accepts at most one hour (https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests). */
const assertionLifetimeInSeconds = 3600;

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

/**
 * The RS256-signed JWT a service account trades for an access token (RFC 7523, Google's "Preparing to make an
 * authorized API call"): `iss` the account, `aud` the token endpoint, `scope`, `iat` and `exp` in seconds.
 */
export function signJwtAssertion(
  credentials: ServiceAccountCredentials,
  scope: string,
  nowInMs: number,
): string {
  const issuedAt = Math.floor(nowInMs / 1000);
  const header = base64url(
    JSON.stringify({
      alg: 'RS256',
      typ: 'JWT',
      ...(credentials.privateKeyId === undefined ? {} : { kid: credentials.privateKeyId }),
    }),
  );
  const claims = base64url(
    JSON.stringify({
      iss: credentials.clientEmail,
      scope,
      aud: credentials.tokenUrl,
      iat: issuedAt,
      exp: issuedAt + assertionLifetimeInSeconds,
    }),
  );
  const signature = createSign('RSA-SHA256')
    .update(`${header}.${claims}`)
    .sign(credentials.privateKey, 'base64url');
  return `${header}.${claims}.${signature}`;
}
