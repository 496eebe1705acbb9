import { isAbsolute } from 'node:path';
import { inspect } from 'node:util';
import type { Dispatcher } from 'undici';
import { bearerHeaders } from '../auth/bearer.js';
import type { CredentialSource, HeaderPair } from '../provider.js';
import { invalidProviderError } from '../provider-error.js';
import { credentialsUnavailableError, needsLoginError } from './_credential-errors.js';
import { type RefreshOutcome, refreshAccount } from './_refresh-account.js';
import { createFileTokenStore } from './file-token-store.js';
import type { OAuthAccountState, OAuthAccountStatus } from './oauth-account-status.js';
import type { OAuthTokenStore } from './oauth-token-store.js';
import type { OAuthTokens } from './oauth-tokens.js';
import { defaultTokenRequestTimeoutInMs } from './token-endpoint.js';

/** A 401 this soon after a refresh is taken for a request that still carried the previous token. */
const recentRefreshInMs = 10_000;

/** Options of {@link createOAuthCredentials}: one `auth_type: oauth` provider's resolved `oauth:` config. */
export interface OAuthCredentialsOptions {
  /** The provider's name, used in error messages (`ccb login NAME`). */
  readonly name: string;
  /** Absolute path of the token file; when it exists it wins over `initial`. Refreshed tokens are written here. */
  readonly tokenFile?: string;
  /**
   * Where the tokens and the refresh lock live instead of `tokenFile` (which is ignored when this is given): a store
   * shared by several hosts, such as `@ccb/state-redis`'s `createRedisTokenStore`. Default: the token file.
   * The credential source owns it: its `close()` closes the store.
   */
  readonly store?: OAuthTokenStore;
  /** Inline tokens from the config; they only seed the account when the store holds none (yet). */
  readonly initial?: OAuthTokens;
  readonly tokenUrl: string;
  readonly clientId: string;
  /** Space-separated scopes sent with a refresh; omitted from the request when absent. */
  readonly scope?: string;
  /** Refresh this long before the access token expires, in ms. */
  readonly refreshBeforeInMs: number;
  /**
   * Bound on one token request; also the age after which another process's lock on the token file counts as
   * stale. Default 30 s.
   */
  readonly tokenRequestTimeoutInMs?: number;
  /** How long to wait for another process that holds the token file's lock. Default the request timeout + 5 s. */
  readonly lockWaitInMs?: number;
  /** First pause after a failed refresh, doubled per further failure. Default 30 s. */
  readonly retryInitialInMs?: number;
  /** Longest pause between refresh attempts. Default 5 min. */
  readonly retryMaxInMs?: number;
  /** While the account needs a login, how often the token file is checked for a new one (`fs.watchFile`). Default 5 s. */
  readonly fileCheckIntervalInMs?: number;
  /** Clock, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** The undici dispatcher for token requests. Default undici's global dispatcher. */
  readonly dispatcher?: Dispatcher;
  /** Called with the new status after every change of state, expiry or error. Must not throw. */
  readonly onStatus?: (status: OAuthAccountStatus) => void;
}

/** A Claude subscription account as a {@link CredentialSource}, with its status. */
export interface OAuthCredentials extends CredentialSource {
  /**
   * `[['authorization', 'Bearer …']]`, the same frozen array while the token is fresh (no await, no allocation).
   * Close to expiry it still returns the current token and starts one background refresh; once expired (or with
   * only a refresh token) a Promise that awaits the single refresh shared by all callers.
   * @throws ProviderError `CCB_PROVIDER_NEEDS_LOGIN`, `CCB_PROVIDER_CREDENTIALS_UNAVAILABLE` (thrown, or the
   *   Promise rejects)
   */
  headers(): readonly HeaderPair[] | Promise<readonly HeaderPair[]>;
  /**
   * After an upstream 401: adopt a newer token from the token file, else refresh once. Resolves `true` when a
   * different token is now available, `false` otherwise (no refresh token, backing off, needs login).
   */
  invalidate(): Promise<boolean>;
  /** Resolves once the token file has been read at start; never rejects (problems show in `status()`). */
  ready(): Promise<void>;
  /** A secret-free snapshot; the same frozen object until something changes. */
  status(): OAuthAccountStatus;
  /** Stops watching the token file, and closes a given `store`. In-flight refreshes finish; nothing starts afterwards. */
  close(): void;
  /** `{ name, status }`: never a token. */
  toJSON(): { readonly name: string; readonly status: OAuthAccountStatus };
}

/**
 * Creates the credential source of one Claude subscription account: refresh ahead of expiry, single-flight in the
 * process and across processes sharing the token file (a lock beside it), rotated refresh tokens written to the
 * file before use, `invalid_grant` turning into `needs_login` without hammering the token endpoint, and backoff
 * after transient failures (protocol notes §8). Reads the token file in the background; see `ready()`.
 */
export function createOAuthCredentials(options: OAuthCredentialsOptions): OAuthCredentials {
  validateOptions(options);
  const { name, tokenFile, tokenUrl, clientId, refreshBeforeInMs, onStatus } = options;
  const now = options.now ?? Date.now;
  const fileCheckIntervalInMs = options.fileCheckIntervalInMs ?? 5_000;
  const store: OAuthTokenStore | undefined =
    options.store ??
    (tokenFile === undefined ? undefined : createFileTokenStore(tokenFile, { fileCheckIntervalInMs, now }));
  const timeoutInMs = options.tokenRequestTimeoutInMs ?? defaultTokenRequestTimeoutInMs;
  const lockWaitInMs = options.lockWaitInMs ?? timeoutInMs + 5_000;
  const retryInitialInMs = options.retryInitialInMs ?? 30_000;
  const retryMaxInMs = options.retryMaxInMs ?? 300_000;

  let tokens: OAuthTokens | undefined;
  /** The header pair of `tokens`, `undefined` while there is no usable access token. */
  let pairs: readonly HeaderPair[] | undefined;
  let expiresAt = Number.POSITIVE_INFINITY;
  let refreshAt = Number.POSITIVE_INFINITY;
  let state: OAuthAccountState = 'ready';
  let error: string | null = null;
  let refreshedAt: number | null = null;
  let inflight: Promise<void> | undefined;
  let retryAt = 0;
  let retryDelayInMs = retryInitialInMs;
  let loaded = false;
  let closed = false;
  /** Stops watching the store; set only while the account waits for a new login. */
  let unwatch: (() => void) | undefined;
  let published: OAuthAccountStatus = snapshot();

  function snapshot(): OAuthAccountStatus {
    return Object.freeze({
      state,
      expiresAt: tokens?.expiresAt ?? null,
      refreshedAt,
      error,
    });
  }

  function publish(): void {
    // A closed account (replaced by a reload) says nothing more: its late news would land on its successor's name.
    if (closed) return;
    const next = snapshot();
    if (
      next.state === published.state &&
      next.expiresAt === published.expiresAt &&
      next.refreshedAt === published.refreshedAt &&
      next.error === published.error
    ) {
      return;
    }
    published = next;
    try {
      onStatus?.(next);
    } catch {
      // A listener's bug must not break the account's state machine.
    }
  }

  function use(next: OAuthTokens): void {
    tokens = next;
    pairs = next.accessToken === '' ? undefined : bearerHeaders(next.accessToken);
    expiresAt = next.expiresAt ?? Number.POSITIVE_INFINITY;
    refreshAt = expiresAt - refreshBeforeInMs;
  }

  function hasLiveToken(): boolean {
    return pairs !== undefined && now() < expiresAt;
  }

  const loading = load();

  async function load(): Promise<void> {
    let fromFile: OAuthTokens | undefined;
    let fileProblem: string | null = null;
    if (store !== undefined) {
      try {
        fromFile = await store.read();
      } catch {
        fileProblem = 'token_file_invalid';
      }
    }
    const start = fromFile ?? options.initial;
    loaded = true;
    if (start === undefined) {
      needLogin(fileProblem ?? 'no_tokens');
      return;
    }
    use(start);
    error = fileProblem;
    publish();
  }

  function needLogin(reason: string): void {
    state = 'needs_login';
    error = reason;
    pairs = undefined;
    publish();
    if (store?.watch !== undefined && unwatch === undefined && !closed) {
      // Watched only while an account waits for `ccb login`; a healthy account costs nothing.
      unwatch = store.watch(() => void adoptLogin());
    }
  }

  function stopWatching(): void {
    const stop = unwatch;
    unwatch = undefined;
    stop?.();
  }

  async function adoptLogin(): Promise<void> {
    if (store === undefined || state !== 'needs_login') return;
    let fromFile: OAuthTokens | undefined;
    try {
      fromFile = await store.read();
    } catch {
      return;
    }
    if (fromFile === undefined || state !== 'needs_login') return;
    if (
      tokens !== undefined &&
      fromFile.accessToken === tokens.accessToken &&
      fromFile.refreshToken === tokens.refreshToken
    ) {
      return;
    }
    stopWatching();
    use(fromFile);
    state = 'ready';
    error = null;
    refreshedAt = now();
    retryAt = 0;
    retryDelayInMs = retryInitialInMs;
    publish();
  }

  function refresh(force: boolean): Promise<void> {
    if (inflight !== undefined) return inflight;
    state = 'refreshing';
    publish();
    inflight = refreshAccount({
      providerName: name,
      store,
      current: tokens,
      force,
      tokenUrl,
      clientId,
      scope: options.scope,
      refreshBeforeInMs,
      timeoutInMs,
      lockWaitInMs,
      dispatcher: options.dispatcher,
      now,
    })
      .catch((): RefreshOutcome => ({ kind: 'failed', reason: 'internal_error' }))
      .then((outcome) => {
        // Cleared before the status is published: a listener reacting to it may start the next refresh.
        inflight = undefined;
        settle(outcome);
      });
    return inflight;
  }

  function settle(outcome: RefreshOutcome): void {
    switch (outcome.kind) {
      case 'refreshed':
      case 'adopted':
        use(outcome.tokens);
        refreshedAt = now();
        state = 'ready';
        error =
          outcome.kind === 'refreshed' && outcome.writeError !== undefined ? 'token_file_write_failed' : null;
        retryAt = 0;
        retryDelayInMs = retryInitialInMs;
        publish();
        return;
      case 'invalid_grant':
        needLogin('invalid_grant');
        return;
      case 'no_refresh_token':
        if (hasLiveToken()) {
          state = 'ready';
          publish();
        } else {
          needLogin('expired');
        }
        return;
      case 'failed':
        error = outcome.reason;
        retryAt = now() + retryDelayInMs;
        retryDelayInMs = Math.min(retryDelayInMs * 2, retryMaxInMs);
        state = hasLiveToken() ? 'ready' : 'unavailable';
        publish();
        return;
    }
  }

  /** After a refresh: the token, or why there is none. */
  function afterRefresh(): readonly HeaderPair[] {
    if (state === 'needs_login') throw needsLoginError(name, error);
    if (pairs !== undefined && now() < expiresAt) return pairs;
    throw credentialsUnavailableError(name, error, retryAt);
  }

  function slowHeaders(): readonly HeaderPair[] | Promise<readonly HeaderPair[]> {
    if (!loaded) return loading.then(() => credentials.headers());
    if (state === 'needs_login') throw needsLoginError(name, error);
    if (inflight !== undefined) return inflight.then(afterRefresh);
    const moment = now();
    if (pairs !== undefined && moment < expiresAt) return pairs;
    if (closed || moment < retryAt) throw credentialsUnavailableError(name, error, retryAt);
    return refresh(false).then(afterRefresh);
  }

  const credentials: OAuthCredentials = {
    headers() {
      if (pairs !== undefined) {
        const moment = now();
        if (moment < refreshAt) return pairs;
        if (moment < expiresAt) {
          if (inflight === undefined && moment >= retryAt && !closed) void refresh(false);
          return pairs;
        }
      }
      return slowHeaders();
    },

    async invalidate() {
      if (!loaded) await loading;
      if (state === 'needs_login' || closed) return false;
      const before = tokens?.accessToken;
      if (inflight === undefined) {
        // Requests sent just before a refresh answer 401 just after it: their retry gets the new token, and the
        // account is not rotated again for each of them.
        if (refreshedAt !== null && now() - refreshedAt < recentRefreshInMs && hasLiveToken()) return true;
        if (store === undefined && tokens?.refreshToken === undefined) return false;
        if (now() < retryAt) return false;
        await refresh(true);
      } else {
        await inflight;
      }
      return hasLiveToken() && tokens?.accessToken !== before;
    },

    ready: () => loading,
    status: () => published,
    close() {
      closed = true;
      stopWatching();
      options.store?.close?.();
    },
    toJSON: () => ({ name, status: published }),
  };
  Object.defineProperty(credentials, inspect.custom, {
    value: (_depth: number, inspectOptions: object, inspectValue: typeof inspect) =>
      `OAuthCredentials ${inspectValue({ name, status: published }, inspectOptions)}`,
  });
  return Object.freeze(credentials);
}

/** Shape checks only; the config schema has validated the values already. Messages never show a token. */
function validateOptions(options: OAuthCredentialsOptions): void {
  const { name } = options;
  if (typeof name !== 'string' || name.trim() === '') {
    throw invalidProviderError(String(name ?? ''), 'name must be a non-empty string.');
  }
  if (options.tokenFile !== undefined && !isAbsolute(options.tokenFile)) {
    throw invalidProviderError(
      name,
      'oauth tokenFile must be an absolute path (resolve it against the config file).',
    );
  }
  if (options.tokenFile === undefined && options.store === undefined && options.initial === undefined) {
    throw invalidProviderError(name, 'oauth needs a tokenFile or initial tokens (or a token store).');
  }
  for (const [field, value] of [
    ['tokenUrl', options.tokenUrl],
    ['clientId', options.clientId],
  ] as const) {
    if (typeof value !== 'string' || value === '') {
      throw invalidProviderError(name, `oauth ${field} must be a non-empty string.`);
    }
  }
  if (!Number.isFinite(options.refreshBeforeInMs) || options.refreshBeforeInMs < 0) {
    throw invalidProviderError(name, 'oauth refreshBeforeInMs must be a finite number >= 0.');
  }
}
