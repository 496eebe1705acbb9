import { createPrivateKey, type KeyObject } from 'node:crypto';
import { VertexError } from './vertex-error.js';

/** Google's OAuth 2.0 token endpoint, used when a credentials file names none (gcloud's ADC file does not). */
export const googleTokenUrl = 'https://oauth2.googleapis.com/token';

/** The scope Vertex AI wants (https://cloud.google.com/vertex-ai/docs/authentication). */
export const cloudPlatformScope = 'https://www.googleapis.com/auth/cloud-platform';

/** A service-account key (`"type": "service_account"`): a JWT assertion signed with its key buys a token. */
export interface ServiceAccountCredentials {
  readonly type: 'service_account';
  readonly clientEmail: string;
  readonly privateKey: KeyObject;
  /** The key's id, sent as the assertion's `kid`. */
  readonly privateKeyId: string | undefined;
  readonly tokenUrl: string;
}

/** A user's refresh token (`"type": "authorized_user"`), as `gcloud auth application-default login` writes it. */
export interface AuthorizedUserCredentials {
  readonly type: 'authorized_user';
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
  readonly tokenUrl: string;
}

/** Credentials a Google token endpoint exchanges for access tokens. */
export type GoogleCredentials = ServiceAccountCredentials | AuthorizedUserCredentials;

/**
 * Reads a Google credentials file's JSON: a service-account key or an `authorized_user` file (application default
 * credentials). `source` names the file in messages; no message carries a key, secret or token.
 * @throws {VertexError} `CCB_VERTEX_CREDENTIALS_INVALID` naming the problem and the file
 */
export function parseGoogleCredentials(text: string, source: string): GoogleCredentials {
  const fail = (problem: string): never => {
    throw new VertexError('CCB_VERTEX_CREDENTIALS_INVALID', `${source}: ${problem}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail('is not JSON; expected a service-account key or gcloud application default credentials');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('is not a JSON object');
  const record = json as Record<string, unknown>;
  const field = (name: string): string => {
    const value = record[name];
    if (typeof value !== 'string' || value === '') return fail(`has no "${name}"`);
    return value;
  };
  const tokenUrl =
    typeof record.token_uri === 'string' && record.token_uri !== '' ? record.token_uri : googleTokenUrl;
  if (!/^https?:\/\//.test(tokenUrl)) fail('has a "token_uri" that is not an http(s) URL');
  if (record.type === 'service_account') {
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(field('private_key'));
    } catch {
      return fail('has a "private_key" that is not a PEM private key');
    }
    return {
      type: 'service_account',
      clientEmail: field('client_email'),
      privateKey,
      privateKeyId: typeof record.private_key_id === 'string' ? record.private_key_id : undefined,
      tokenUrl,
    };
  }
  if (record.type === 'authorized_user') {
    return {
      type: 'authorized_user',
      clientId: field('client_id'),
      clientSecret: field('client_secret'),
      refreshToken: field('refresh_token'),
      tokenUrl,
    };
  }
  return fail(
    `has "type": ${JSON.stringify(record.type ?? null)}; ccb takes "service_account" keys and "authorized_user" files (gcloud auth application-default login)`,
  );
}
