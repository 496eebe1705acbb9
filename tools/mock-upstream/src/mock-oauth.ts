import type { Fault } from './fault.js';
import type { MockOAuthTokens } from './oauth-server.js';
import type { UnifiedUsage, UnifiedWindowUpdate } from './unified-windows.js';

export type { MockOAuthTokens } from './oauth-server.js';
export type { UnifiedUsage, UnifiedWindow, UnifiedWindowUpdate } from './unified-windows.js';

/** Options of a mock's OAuth mode (`MockUpstreamOptions.oauth`); every field is optional. */
export interface MockOAuthOptions {
  /** Access token lifetime, in ms; the token endpoint's `expires_in` is this in whole seconds. Default 28 800 000 (8 h). */
  accessTokenLifetimeInMs?: number;
  /** When set, token requests must carry this `client_id`, else 401 `invalid_client`. Default: any client id. */
  clientId?: string;
}

/** One request to `POST /v1/oauth/token`, as the mock answered it. */
export interface TokenRequestRecord {
  /** The body's `grant_type`, or null when missing or the body is not JSON. */
  readonly grantType: string | null;
  /** The answer's status (a token fault's status too; 0 for a `reset` or `hang` fault). */
  readonly status: number;
  /** The OAuth `error` of a refusal (`invalid_grant`, …), else null. */
  readonly error: string | null;
  /** The account tokens were issued to, else null. */
  readonly account: string | null;
  /** When the body was fully received, in ms since the epoch (from `now`). */
  readonly receivedAt: number;
}

/** One account's state, as `accounts()` and `GET /_mock/oauth/accounts` report it. */
export interface MockOAuthAccount {
  readonly name: string;
  readonly revoked: boolean;
  /** The ban message, or null. */
  readonly ban: string | null;
  /** Access tokens of the account valid now. */
  readonly liveAccessTokens: number;
  readonly usage: UnifiedUsage;
}

/**
 * The OAuth side of a mock started with `oauth` (Claude subscription accounts, protocol §7–8). Accounts are
 * named; `account` defaults to `"default"` everywhere and an account exists once named.
 */
export interface MockOAuth {
  /** `${url}/v1/oauth/token`: put it in a provider's `oauth.token_url`. */
  readonly tokenUrl: string;
  /** `${url}/oauth/authorize`: a placeholder for `oauth.authorize_url` (nothing is served there; see `authorize`). */
  readonly authorizeUrl: string;
  /** Token endpoint requests since the last `resetTokenRequests()` (or the mock's `reset()`), oldest first. */
  readonly tokenRequests: readonly TokenRequestRecord[];
  /**
   * The browser step: the user signs in and approves, and the page shows `code#state`. Returns the code for this
   * PKCE `challenge` (S256) and `state`; it is good for one exchange. `redirectUri`, when given, must match the
   * exchange's `redirect_uri`.
   */
  authorize(request: {
    challenge: string;
    state: string;
    account?: string;
    scope?: string;
    redirectUri?: string;
  }): string;
  /** Issues tokens without a login (to seed a token file). `refreshToken: false` gives a long-lived token alone. */
  issueTokens(request?: {
    account?: string;
    lifetimeInMs?: number;
    refreshToken?: boolean;
    scope?: string;
  }): MockOAuthTokens;
  /** The next `count` (default 1) token requests get `fault` (`status`, `reset`, `hang` or `delay` only). */
  injectTokenFault(fault: Fault, count?: number): void;
  clearTokenFaults(): void;
  /** Resolves once `n` token requests were received since the last reset. Default timeout 2000 ms. */
  waitForTokenRequests(n: number, timeoutInMs?: number): Promise<void>;
  resetTokenRequests(): void;
  /** Every token request of the account gets `invalid_grant`; its access tokens get 403 "OAuth token has been revoked". */
  revoke(account?: string): void;
  /** Its Messages requests get 403 `permission_error` with `x-should-retry: false` and `message`. */
  ban(account?: string, message?: string): void;
  /** Lifts a revocation and a ban. */
  reinstate(account?: string): void;
  /** Makes the current access tokens of `account` (every account when omitted) expired now; returns how many. */
  expireAccessTokens(account?: string): number;
  /** Sets the account's 5-hour and/or 7-day window (utilization ≥ 1 exhausts it); returns both windows. */
  setUsage(
    update: { fiveHour?: UnifiedWindowUpdate; sevenDay?: UnifiedWindowUpdate },
    account?: string,
  ): UnifiedUsage;
  accounts(): MockOAuthAccount[];
}
