import { pkceChallenge } from './pkce-challenge.js';
import { createUnifiedWindows, type UnifiedWindows } from './unified-windows.js';

/** The account a code or token belongs to when a caller names none. */
export const defaultAccount = 'default';
const defaultScope = 'user:inference user:profile';

/** Tokens the mock issued, in the caller's terms (`expiresAt` in ms since the epoch). */
export interface MockOAuthTokens {
  readonly accessToken: string;
  /** Absent for a long-lived token (as from `claude setup-token`). */
  readonly refreshToken?: string;
  /** Seconds, as the token endpoint's `expires_in`. */
  readonly expiresIn: number;
  /** `now() + expiresIn s`, in ms since the epoch. */
  readonly expiresAt: number;
  readonly scope: string;
  readonly account: string;
}

/** An OAuth error as the token endpoint answers it: `{"error", "error_description"}` with `status`. */
export interface OAuthFailure {
  readonly status: number;
  readonly error: string;
  readonly description: string;
}

/** Why the Messages endpoints refuse a Bearer token, or the account's window headers when they accept it. */
export type AccessVerdict =
  | {
      readonly ok: false;
      readonly status: number;
      readonly errorType: string;
      readonly message: string;
      readonly headers?: Record<string, string>;
    }
  | { readonly ok: true; readonly account: string; readonly headers: Record<string, string> };

interface Account {
  revoked: boolean;
  /** The ban message; a banned account's requests get 403 `permission_error` with `x-should-retry: false`. */
  ban: string | undefined;
  readonly windows: UnifiedWindows;
}

interface PendingCode {
  readonly account: string;
  readonly challenge: string;
  readonly state: string;
  readonly scope: string;
  readonly redirectUri: string | undefined;
}

/** Settings of {@link createOAuthServer} (internal). */
export interface OAuthServerSettings {
  readonly now: () => number;
  /** Access token lifetime, in ms; `expires_in` is this in whole seconds. */
  readonly accessTokenLifetimeInMs: number;
  /** When set, `client_id` must equal it. */
  readonly clientId: string | undefined;
  /** Makes tokens and codes of one mock differ from another's (its port). */
  readonly tag: string;
}

/** The authorization server and token registry of a mock in OAuth mode (internal). */
export interface OAuthServer {
  authorize(request: {
    challenge: string;
    state: string;
    account?: string | undefined;
    scope?: string | undefined;
    redirectUri?: string | undefined;
  }): string;
  issue(request: {
    account?: string | undefined;
    lifetimeInMs?: number | undefined;
    refreshToken?: boolean | undefined;
    scope?: string | undefined;
  }): MockOAuthTokens;
  /** A token endpoint request body (parsed JSON): tokens or an OAuth failure. */
  grant(body: Record<string, unknown>): MockOAuthTokens | OAuthFailure;
  /** Checks a Messages request's credentials. */
  checkAccess(headers: {
    authorization?: string | undefined;
    apiKey?: string | string[] | undefined;
    beta?: string | string[] | undefined;
  }): AccessVerdict;
  account(name: string | undefined): Account;
  accountNames(): string[];
  /** Makes every current access token of `account` (all accounts when undefined) expired; returns how many. */
  expire(account: string | undefined): number;
  /** Valid access tokens of an account now. */
  liveAccessTokens(account: string): number;
}

export function createOAuthServer(settings: OAuthServerSettings): OAuthServer {
  const { now, tag } = settings;
  const accounts = new Map<string, Account>();
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Map<string, { account: string; expiresAt: number }>();
  const refreshTokens = new Map<string, { account: string; scope: string }>();
  let sequence = 0;

  function accountOf(name: string | undefined): Account {
    const key = name ?? defaultAccount;
    let account = accounts.get(key);
    if (account === undefined) {
      account = { revoked: false, ban: undefined, windows: createUnifiedWindows(now) };
      accounts.set(key, account);
    }
    return account;
  }

  function nextId(): string {
    sequence++;
    return `mock${tag}x${sequence.toString(36)}`;
  }

  function issue(request: Parameters<OAuthServer['issue']>[0]): MockOAuthTokens {
    const account = request.account ?? defaultAccount;
    accountOf(account);
    const lifetimeInMs = request.lifetimeInMs ?? settings.accessTokenLifetimeInMs;
    const scope = request.scope ?? defaultScope;
    const accessToken = `sk-ant-oat01-${nextId()}`;
    const expiresAt = now() + lifetimeInMs;
    accessTokens.set(accessToken, { account, expiresAt });
    const tokens: MockOAuthTokens = {
      accessToken,
      expiresIn: Math.floor(lifetimeInMs / 1000),
      expiresAt,
      scope,
      account,
    };
    if (request.refreshToken === false) return tokens;
    const refreshToken = `sk-ant-ort01-${nextId()}`;
    refreshTokens.set(refreshToken, { account, scope });
    return { ...tokens, refreshToken };
  }

  const invalidGrant = (description: string): OAuthFailure => ({
    status: 400,
    error: 'invalid_grant',
    description,
  });
  const invalidRequest = (description: string): OAuthFailure => ({
    status: 400,
    error: 'invalid_request',
    description,
  });

  function stringField(body: Record<string, unknown>, name: string): string | undefined {
    const value = body[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  return {
    authorize(request) {
      const code = `mockcode-${nextId()}`;
      const account = request.account ?? defaultAccount;
      accountOf(account);
      codes.set(code, {
        account,
        challenge: request.challenge,
        state: request.state,
        scope: request.scope ?? defaultScope,
        redirectUri: request.redirectUri,
      });
      return code;
    },
    issue,
    grant(body) {
      const grantType = stringField(body, 'grant_type');
      if (settings.clientId !== undefined && body.client_id !== settings.clientId) {
        return { status: 401, error: 'invalid_client', description: 'Unknown client_id.' };
      }
      if (grantType === 'authorization_code') {
        const code = stringField(body, 'code');
        const verifier = stringField(body, 'code_verifier');
        if (code === undefined || verifier === undefined)
          return invalidRequest('code and code_verifier are required.');
        const pending = codes.get(code);
        if (pending === undefined) return invalidGrant('Invalid authorization code.');
        // A code is good for one exchange, whatever its outcome (RFC 6749 §4.1.2).
        codes.delete(code);
        if (pkceChallenge(verifier) !== pending.challenge) return invalidGrant('Invalid code verifier.');
        if (body.state !== undefined && body.state !== pending.state) return invalidGrant('Invalid state.');
        if (pending.redirectUri !== undefined && body.redirect_uri !== pending.redirectUri) {
          return invalidGrant('redirect_uri does not match the authorization request.');
        }
        const account = accountOf(pending.account);
        if (account.revoked) return invalidGrant('Account access has been revoked.');
        return issue({ account: pending.account, scope: pending.scope });
      }
      if (grantType === 'refresh_token') {
        const refreshToken = stringField(body, 'refresh_token');
        if (refreshToken === undefined) return invalidRequest('refresh_token is required.');
        const known = refreshTokens.get(refreshToken);
        if (known === undefined) return invalidGrant('Refresh token not found or invalid.');
        if (accountOf(known.account).revoked) return invalidGrant('Refresh token has been revoked.');
        // Rotation: the old refresh token is spent; using it again is invalid_grant.
        refreshTokens.delete(refreshToken);
        return issue({ account: known.account, scope: known.scope });
      }
      return {
        status: 400,
        error: 'unsupported_grant_type',
        description: `Unsupported grant_type ${JSON.stringify(body.grant_type)}.`,
      };
    },
    checkAccess(headers) {
      if (headers.apiKey !== undefined) {
        return { ok: false, status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' };
      }
      const authorization = headers.authorization;
      if (authorization === undefined) {
        return {
          ok: false,
          status: 401,
          errorType: 'authentication_error',
          message: 'x-api-key header is required',
        };
      }
      const betas = (Array.isArray(headers.beta) ? headers.beta.join(',') : (headers.beta ?? ''))
        .split(',')
        .map((beta) => beta.trim());
      const token = authorization.startsWith('Bearer ') ? authorization.slice(7) : undefined;
      const issued = token === undefined ? undefined : accessTokens.get(token);
      if (issued === undefined) {
        return { ok: false, status: 401, errorType: 'authentication_error', message: 'Invalid bearer token' };
      }
      if (!betas.includes('oauth-2025-04-20')) {
        return {
          ok: false,
          status: 401,
          errorType: 'authentication_error',
          message: 'OAuth authentication is currently not supported.',
        };
      }
      const account = accountOf(issued.account);
      if (account.ban !== undefined) {
        return {
          ok: false,
          status: 403,
          errorType: 'permission_error',
          message: account.ban,
          headers: { 'x-should-retry': 'false' },
        };
      }
      if (account.revoked) {
        return {
          ok: false,
          status: 403,
          errorType: 'permission_error',
          message: 'OAuth token has been revoked. Please obtain a new token.',
        };
      }
      if (now() >= issued.expiresAt) {
        return {
          ok: false,
          status: 401,
          errorType: 'authentication_error',
          message: 'OAuth token has expired. Please obtain a new token or refresh your existing token.',
        };
      }
      const verdict = account.windows.verdict();
      if (verdict.rejected) {
        return {
          ok: false,
          status: 429,
          errorType: 'rate_limit_error',
          message: "This request would exceed your account's rate limit. Please try again later.",
          headers: verdict.headers,
        };
      }
      return { ok: true, account: issued.account, headers: verdict.headers };
    },
    account: accountOf,
    accountNames: () => [...accounts.keys()],
    expire(account) {
      const at = now();
      let expired = 0;
      for (const issued of accessTokens.values()) {
        if ((account === undefined || issued.account === account) && issued.expiresAt > at) {
          issued.expiresAt = at;
          expired++;
        }
      }
      return expired;
    },
    liveAccessTokens(account) {
      const at = now();
      let live = 0;
      for (const issued of accessTokens.values())
        if (issued.account === account && issued.expiresAt > at) live++;
      return live;
    },
  };
}
