import { cloudPlatformScope, type GoogleCredentials } from './google-credentials.js';
import { signJwtAssertion } from './jwt-assertion.js';
import { VertexError } from './vertex-error.js';

/** One HTTP header as a lower-case name and its value. */
export type HeaderPair = readonly [name: string, value: string];

/** Loads credentials when the first token is needed (the CLI reads the file); retried after a failure. */
export type GoogleCredentialsLoader = () => GoogleCredentials | Promise<GoogleCredentials>;

/** A fixed access token (`gcp.access_token`): sent as it is, never refreshed. */
export interface StaticAccessToken {
  readonly accessToken: string;
}

/** Options of {@link createGoogleTokenSource}. */
export interface GoogleTokenSourceOptions {
  /** Credentials (or their loader) to trade for tokens, or a fixed access token. */
  readonly credentials: GoogleCredentials | GoogleCredentialsLoader | StaticAccessToken;
  /** Named in error messages, e.g. the provider's name. Default `vertex`. */
  readonly name?: string;
  /** OAuth scope asked for. Default `https://www.googleapis.com/auth/cloud-platform`. */
  readonly scope?: string;
  /**
   * Refresh this long before a token expires, in the background while the old one still serves; at most half the
   * token's lifetime. Default 300 000 (5 min, as Google's own libraries do).
   */
  readonly refreshBeforeInMs?: number;
  /** Bound on one token request, in ms. Default 30 000. */
  readonly timeoutInMs?: number;
  /** First wait after a failed token request, in ms, doubling on each further failure. Default 1 000. */
  readonly minBackoffInMs?: number;
  /** Longest wait after failed token requests, in ms. Default 60 000. */
  readonly maxBackoffInMs?: number;
  /**
   * A 401 within this many ms of a token fetched because of a 401 does not fetch another: the request was sent with
   * the token before, and its retry uses the new one (one revoked token and fifty requests in flight make one token
   * request). Default 10 000.
   */
  readonly invalidateGraceInMs?: number;
  /** The HTTP client of token requests (off the hot path). Default the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Clock, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** Where a token source stands, for status pages. Holds no token. */
export interface GoogleTokenStatus {
  readonly state: 'static' | 'empty' | 'ready' | 'failing';
  /** When the current token expires, ms since the epoch. */
  readonly expiresAt?: number;
  /** What the last failure said (secret-free), while failing. */
  readonly lastError?: string;
}

/**
 * Access tokens for Google APIs, as a credential source of the providers library (structurally its
 * `CredentialSource`): `headers()` gives `authorization: Bearer …`, synchronously while a cached token is valid.
 */
export interface GoogleTokenSource {
  headers(): readonly HeaderPair[] | Promise<readonly HeaderPair[]>;
  /** After an upstream 401: fetch a new token. `true` when a retry with it is worth it. */
  invalidate(): boolean | Promise<boolean>;
  status(): GoogleTokenStatus;
}

interface CachedToken {
  readonly headers: readonly HeaderPair[];
  readonly obtainedAt: number;
  readonly refreshAt: number;
  readonly expiresAt: number;
}

interface Failure {
  readonly error: Error;
  readonly retryAt: number;
}

/** A token endpoint's answer lacks `expires_in`: Google's tokens last an hour. */
const defaultLifetimeInSeconds = 3600;

/**
 * Creates a token source. Tokens are cached and refreshed ahead of expiry; every refresh is single-flight (fifty
 * concurrent requests with no token make one token request). A failed request backs off (1 s doubling to 60 s): until
 * then, a request with no valid token fails at once with `CCB_VERTEX_TOKEN_FAILED` and the token endpoint is left
 * alone, so the proxy fails the attempt as a credential failure and fails over.
 */
export function createGoogleTokenSource(options: GoogleTokenSourceOptions): GoogleTokenSource {
  const credentials = options.credentials;
  if ('accessToken' in credentials) {
    const headers: readonly HeaderPair[] = Object.freeze([
      Object.freeze(['authorization', `Bearer ${credentials.accessToken}`] as const),
    ]);
    return { headers: () => headers, invalidate: () => false, status: () => ({ state: 'static' }) };
  }
  return new RefreshingTokenSource(options, credentials);
}

class RefreshingTokenSource implements GoogleTokenSource {
  readonly #name: string;
  readonly #scope: string;
  readonly #refreshBeforeInMs: number;
  readonly #timeoutInMs: number;
  readonly #minBackoffInMs: number;
  readonly #maxBackoffInMs: number;
  readonly #graceInMs: number;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #source: GoogleCredentials | GoogleCredentialsLoader;
  /** What the loader gave, until a token request fails (then the file is read again: a key may have been replaced). */
  #loaded: GoogleCredentials | undefined;
  #token: CachedToken | undefined;
  #pending: Promise<CachedToken> | undefined;
  #failure: Failure | undefined;
  #failures = 0;
  /** When a token fetched after a 401 arrived: 401s until the grace is over were sent with the one before. */
  #renewedAt: number | undefined;

  constructor(options: GoogleTokenSourceOptions, source: GoogleCredentials | GoogleCredentialsLoader) {
    this.#source = source;
    this.#name = options.name ?? 'vertex';
    this.#scope = options.scope ?? cloudPlatformScope;
    this.#refreshBeforeInMs = options.refreshBeforeInMs ?? 300_000;
    this.#timeoutInMs = options.timeoutInMs ?? 30_000;
    this.#minBackoffInMs = options.minBackoffInMs ?? 1_000;
    this.#maxBackoffInMs = options.maxBackoffInMs ?? 60_000;
    this.#graceInMs = options.invalidateGraceInMs ?? 10_000;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#now = options.now ?? Date.now;
  }

  headers(): readonly HeaderPair[] | Promise<readonly HeaderPair[]> {
    const now = this.#now();
    const token = this.#token;
    if (token !== undefined && now < token.expiresAt) {
      // Ahead of expiry: one refresh in the background, the valid token serves meanwhile.
      if (now >= token.refreshAt && this.#pending === undefined && !this.#backingOff(now)) {
        this.#refresh().catch(() => {});
      }
      return token.headers;
    }
    const failure = this.#failure;
    if (failure !== undefined && now < failure.retryAt && this.#pending === undefined) {
      return Promise.reject(failure.error);
    }
    return this.#refresh().then((fresh) => fresh.headers);
  }

  async invalidate(): Promise<boolean> {
    const pending = this.#pending;
    if (pending !== undefined) return pending.then(yes, no);
    const now = this.#now();
    const renewedAt = this.#renewedAt;
    if (this.#token !== undefined && renewedAt !== undefined && now - renewedAt < this.#graceInMs)
      return true;
    this.#token = undefined;
    if (this.#backingOff(now)) return false;
    return this.#refresh().then(() => {
      this.#renewedAt = this.#now();
      return true;
    }, no);
  }

  status(): GoogleTokenStatus {
    const now = this.#now();
    if (this.#failure !== undefined && (this.#token === undefined || now >= this.#token.expiresAt)) {
      return { state: 'failing', lastError: this.#failure.error.message };
    }
    if (this.#token === undefined || now >= this.#token.expiresAt) return { state: 'empty' };
    return { state: 'ready', expiresAt: this.#token.expiresAt };
  }

  #backingOff(now: number): boolean {
    return this.#failure !== undefined && now < this.#failure.retryAt;
  }

  #refresh(): Promise<CachedToken> {
    this.#pending ??= this.#fetchToken().then(
      (token) => {
        this.#token = token;
        this.#failure = undefined;
        this.#failures = 0;
        this.#pending = undefined;
        return token;
      },
      (cause: unknown) => {
        this.#failures++;
        this.#loaded = undefined;
        const waitInMs = Math.min(this.#maxBackoffInMs, this.#minBackoffInMs * 2 ** (this.#failures - 1));
        const error = VertexError.is(cause)
          ? cause
          : new VertexError('CCB_VERTEX_TOKEN_FAILED', `${this.#name}: ${String(cause)}`, { cause });
        this.#failure = { error, retryAt: this.#now() + waitInMs };
        this.#pending = undefined;
        throw error;
      },
    );
    return this.#pending;
  }

  async #fetchToken(): Promise<CachedToken> {
    const credentials = await this.#credentials();
    const startedAt = this.#now();
    const form =
      credentials.type === 'service_account'
        ? new URLSearchParams({
            grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
            assertion: signJwtAssertion(credentials, this.#scope, startedAt),
          })
        : new URLSearchParams({
            grant_type: 'refresh_token',
            client_id: credentials.clientId,
            client_secret: credentials.clientSecret,
            refresh_token: credentials.refreshToken,
          });
    const where = `${this.#name}: the token endpoint ${credentials.tokenUrl}`;
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(credentials.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.#timeoutInMs),
      });
      text = await response.text();
    } catch (cause) {
      const reason =
        (cause as Error)?.name === 'TimeoutError'
          ? `timed out after ${this.#timeoutInMs} ms`
          : 'could not be reached';
      throw new VertexError('CCB_VERTEX_TOKEN_FAILED', `${where} ${reason}`, { cause });
    }
    const json = readJson(text);
    if (!response.ok) {
      // OAuth errors are codes and descriptions ("invalid_grant", "Invalid JWT Signature."), never secrets.
      const code = typeof json?.error === 'string' ? json.error : undefined;
      const description = typeof json?.error_description === 'string' ? ` (${json.error_description})` : '';
      throw new VertexError(
        'CCB_VERTEX_TOKEN_FAILED',
        `${where} answered ${response.status}${code === undefined ? '' : `: ${code}`}${description}`,
      );
    }
    const accessToken = json?.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new VertexError('CCB_VERTEX_TOKEN_FAILED', `${where} answered without an access_token`);
    }
    const expiresIn =
      typeof json?.expires_in === 'number' && json.expires_in > 0
        ? json.expires_in
        : defaultLifetimeInSeconds;
    const lifetimeInMs = expiresIn * 1000;
    const expiresAt = startedAt + lifetimeInMs;
    return {
      headers: Object.freeze([Object.freeze(['authorization', `Bearer ${accessToken}`] as const)]),
      obtainedAt: this.#now(),
      refreshAt: expiresAt - Math.min(this.#refreshBeforeInMs, lifetimeInMs / 2),
      expiresAt,
    };
  }

  async #credentials(): Promise<GoogleCredentials> {
    const source = this.#source;
    if (typeof source !== 'function') return source;
    this.#loaded ??= await source();
    return this.#loaded;
  }
}

const yes = () => true;
const no = () => false;

function readJson(text: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
