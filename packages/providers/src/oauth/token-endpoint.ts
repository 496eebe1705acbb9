import { type Dispatcher, request } from 'undici';
import { z } from 'zod';
import { ProviderError, type ProviderErrorCode } from '../provider-error.js';
import type { OAuthTokens } from './oauth-tokens.js';

/** Default bound on one token request, connect to last byte. */
export const defaultTokenRequestTimeoutInMs = 30_000;

/** How a token request failed; decides what a credential source does next. */
export type TokenFailureKind =
  /** The grant (refresh token or code) is dead: a new login is needed. */
  | 'invalid_grant'
  /** Refused for another reason (`invalid_client`, `invalid_request`, other 4xx): retrying soon will not help. */
  | 'rejected'
  /** Network error, timeout, 408/429/5xx or an unreadable answer: retry later. */
  | 'transient';

/** The outcome of one token request; failures are values because the caller branches on them. */
export type TokenRequestResult =
  | { readonly ok: true; readonly tokens: OAuthTokens }
  | {
      readonly ok: false;
      readonly kind: TokenFailureKind;
      /** Secret-free and short: the OAuth `error` code, `http_503`, `timeout`, `network` or `invalid_response`. */
      readonly reason: string;
      readonly error: ProviderError;
    };

/** Transport options shared by every token request. */
export interface TokenEndpointOptions {
  /** The token endpoint, e.g. `https://platform.claude.com/v1/oauth/token`. */
  readonly tokenUrl: string;
  /** Bound on the whole request. Default {@link defaultTokenRequestTimeoutInMs} (30 s). */
  readonly timeoutInMs?: number;
  /** The undici dispatcher. Default undici's global dispatcher. */
  readonly dispatcher?: Dispatcher;
  /** Clock for `expiresAt`, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Named in error messages. */
  readonly providerName?: string;
}

/** Options of {@link refreshTokens}. */
export interface RefreshTokensOptions extends TokenEndpointOptions {
  readonly clientId: string;
  readonly refreshToken: string;
  /** Space-separated scopes to ask for; omitted from the body when absent (relays leave it out). */
  readonly scope?: string;
}

/** Options of {@link exchangeAuthorizationCode}. */
export interface ExchangeCodeOptions extends TokenEndpointOptions {
  readonly clientId: string;
  readonly redirectUri: string;
  /** The `code` part of the pasted `code#state`. */
  readonly code: string;
  /** The `state` part; Claude's token endpoint wants it in the body too. */
  readonly state: string;
  /** The PKCE verifier from {@link createPkce}. */
  readonly verifier: string;
}

/** Tolerant: unknown fields (`token_type`, `account`, `organization`) are ignored (house style: zod at boundaries). */
const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive().optional(),
  scope: z.string().optional(),
});

/** An OAuth error code is echoed only when it looks like one, so a body can never smuggle a secret into a message. */
const oauthErrorCodePattern = /^[a-z][a-z0-9_]{0,63}$/i;

/**
 * Refreshes an account's tokens (`grant_type: refresh_token`, JSON body, protocol notes §8). The refresh token
 * rotates; when the answer carries none, the old one is kept.
 */
export async function refreshTokens(options: RefreshTokensOptions): Promise<TokenRequestResult> {
  const body: Record<string, string> = {
    grant_type: 'refresh_token',
    refresh_token: options.refreshToken,
    client_id: options.clientId,
  };
  if (options.scope !== undefined) body.scope = options.scope;
  const result = await requestTokens(options, body);
  if (!result.ok || result.tokens.refreshToken !== undefined) return result;
  return { ok: true, tokens: { ...result.tokens, refreshToken: options.refreshToken } };
}

/**
 * Exchanges a pasted login code for tokens (`grant_type: authorization_code` with the PKCE verifier).
 * @throws ProviderError `CCB_PROVIDER_OAUTH_INVALID_GRANT` (code expired, used, or from another login),
 *   `CCB_PROVIDER_OAUTH_REJECTED` or `CCB_PROVIDER_OAUTH_UNAVAILABLE`; messages never contain the code or a token
 */
export async function exchangeAuthorizationCode(options: ExchangeCodeOptions): Promise<OAuthTokens> {
  const result = await requestTokens(options, {
    grant_type: 'authorization_code',
    code: options.code,
    state: options.state,
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    code_verifier: options.verifier,
  });
  if (!result.ok) throw result.error;
  return result.tokens;
}

async function requestTokens(
  options: TokenEndpointOptions,
  body: Record<string, string>,
): Promise<TokenRequestResult> {
  const timeoutInMs = options.timeoutInMs ?? defaultTokenRequestTimeoutInMs;
  const now = options.now ?? Date.now;
  let statusCode: number;
  let text: string;
  try {
    const response = await request(options.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutInMs),
      headersTimeout: timeoutInMs,
      bodyTimeout: timeoutInMs,
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    });
    statusCode = response.statusCode;
    text = await response.body.text();
  } catch (cause) {
    const reason = isTimeout(cause) ? 'timeout' : 'network';
    return failure(
      options,
      'transient',
      reason,
      `the token endpoint could not be reached (${reason})`,
      cause,
    );
  }
  const json = parseJson(text);
  if (statusCode >= 200 && statusCode < 300) {
    const parsed = tokenResponseSchema.safeParse(json);
    if (!parsed.success) {
      // No cause: the zod issues could quote the body, which holds tokens.
      return failure(
        options,
        'transient',
        'invalid_response',
        'the token endpoint answered without an access_token',
      );
    }
    const { access_token, refresh_token, expires_in, scope } = parsed.data;
    const tokens: OAuthTokens = { accessToken: access_token };
    if (refresh_token !== undefined) tokens.refreshToken = refresh_token;
    if (expires_in !== undefined) tokens.expiresAt = now() + expires_in * 1000;
    if (scope !== undefined) tokens.scope = scope;
    return { ok: true, tokens };
  }
  const oauthError = oauthErrorCode(json);
  if (oauthError === 'invalid_grant') {
    return failure(
      options,
      'invalid_grant',
      'invalid_grant',
      'the token endpoint answered invalid_grant: the grant is expired, revoked or already used',
    );
  }
  const reason = oauthError ?? `http_${statusCode}`;
  const transient = statusCode === 408 || statusCode === 429 || statusCode >= 500;
  return failure(
    options,
    transient ? 'transient' : 'rejected',
    reason,
    `the token endpoint answered HTTP ${statusCode}${oauthError === undefined ? '' : ` ${oauthError}`}`,
  );
}

const failureCodes: Record<TokenFailureKind, ProviderErrorCode> = {
  invalid_grant: 'CCB_PROVIDER_OAUTH_INVALID_GRANT',
  rejected: 'CCB_PROVIDER_OAUTH_REJECTED',
  transient: 'CCB_PROVIDER_OAUTH_UNAVAILABLE',
};

function failure(
  options: TokenEndpointOptions,
  kind: TokenFailureKind,
  reason: string,
  problem: string,
  cause?: unknown,
): TokenRequestResult {
  const where = options.providerName === undefined ? '' : ` for provider "${options.providerName}"`;
  const error = new ProviderError(failureCodes[kind], `OAuth token request${where} failed: ${problem}.`, {
    providerName: options.providerName,
    cause,
  });
  return { ok: false, kind, reason, error };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** RFC 6749 §5.2 `{"error":"invalid_grant"}`, or Anthropic's `{"error":{"type":"…"}}`. */
function oauthErrorCode(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || !('error' in json)) return undefined;
  const error = json.error;
  const code =
    typeof error === 'string'
      ? error
      : typeof error === 'object' && error !== null && 'type' in error && typeof error.type === 'string'
        ? error.type
        : undefined;
  return code !== undefined && oauthErrorCodePattern.test(code) ? code : undefined;
}

function isTimeout(cause: unknown): boolean {
  if (typeof cause !== 'object' || cause === null) return false;
  const { name, code } = cause as { name?: unknown; code?: unknown };
  return (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  );
}
