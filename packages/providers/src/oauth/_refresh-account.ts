import type { Dispatcher } from 'undici';
import type { ProviderError } from '../provider-error.js';
import { acquireTokenFileLock, type TokenFileLock } from './_token-file-lock.js';
import type { OAuthTokens } from './oauth-tokens.js';
import { refreshTokens } from './token-endpoint.js';
import { readTokenFile, writeTokenFile } from './token-file.js';

/** What one refresh round needs; built by `createOAuthCredentials` from its options. */
export interface RefreshAccountOptions {
  readonly providerName: string;
  readonly tokenFile: string | undefined;
  /** The tokens this process holds now. */
  readonly current: OAuthTokens | undefined;
  /** After an upstream 401: any newer unexpired token from the file beats refreshing. */
  readonly force: boolean;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly scope: string | undefined;
  readonly refreshBeforeInMs: number;
  readonly timeoutInMs: number;
  readonly lockWaitInMs: number;
  readonly dispatcher: Dispatcher | undefined;
  readonly now: () => number;
}

/** How a refresh round ended. */
export type RefreshOutcome =
  /** This process refreshed; `writeError` when the token file could not be updated (the tokens are used anyway). */
  | {
      readonly kind: 'refreshed';
      readonly tokens: OAuthTokens;
      readonly writeError: ProviderError | undefined;
    }
  /** Another process had already refreshed: its tokens, read from the file. */
  | { readonly kind: 'adopted'; readonly tokens: OAuthTokens }
  /** The refresh token was refused and the file holds no other: a new login is needed. */
  | { readonly kind: 'invalid_grant' }
  /** Nothing to refresh with (a `claude setup-token` token). */
  | { readonly kind: 'no_refresh_token' }
  /** Transient or refused for another reason; `reason` is secret-free. */
  | { readonly kind: 'failed'; readonly reason: string };

const unlockable: TokenFileLock = { release: async () => undefined };

/**
 * One refresh round for one account. With a token file, under its lock (one refresher across processes): re-read
 * the file first and adopt what another process wrote instead of spending our (then already rotated) refresh token;
 * write the new tokens to the file before they are returned for use, so a rotated refresh token is never only in
 * memory; on `invalid_grant`, re-read the file once more, because a process that does not take the lock may have
 * rotated the token meanwhile, and retry once with the token found there.
 */
export async function refreshAccount(options: RefreshAccountOptions): Promise<RefreshOutcome> {
  const { tokenFile } = options;
  if (tokenFile === undefined) return refreshWith(options, options.current);
  // A lock that cannot be created at all (read-only or missing directory) must not stop the refresh: the
  // tokens are still used in memory and the failed write is reported.
  const lock = await acquireTokenFileLock(tokenFile, {
    staleAfterInMs: options.timeoutInMs,
    waitInMs: options.lockWaitInMs,
    now: options.now,
  }).catch(() => unlockable);
  if (lock === undefined) {
    // The holder is slow but alive; it may have finished just now.
    const fromFile = await readQuietly(tokenFile);
    if (
      fromFile !== undefined &&
      isNewer(fromFile, options.current) &&
      isUnexpired(fromFile, options.now())
    ) {
      return { kind: 'adopted', tokens: fromFile };
    }
    return { kind: 'failed', reason: 'token_file_locked' };
  }
  try {
    const fromFile = await readQuietly(tokenFile);
    let base = options.current;
    if (fromFile !== undefined && (base === undefined || isNewer(fromFile, base))) {
      if (shouldAdopt(fromFile, options)) return { kind: 'adopted', tokens: fromFile };
      base = fromFile;
    }
    return await refreshWith(options, base);
  } finally {
    await lock.release().catch(() => undefined);
  }
}

async function refreshWith(
  options: RefreshAccountOptions,
  base: OAuthTokens | undefined,
): Promise<RefreshOutcome> {
  const refreshToken = base?.refreshToken;
  if (refreshToken === undefined) return { kind: 'no_refresh_token' };
  const first = await refreshOnce(options, refreshToken);
  if (first.kind !== 'invalid_grant' || options.tokenFile === undefined) return first;
  const fromFile = await readQuietly(options.tokenFile);
  if (fromFile?.refreshToken === undefined || fromFile.refreshToken === refreshToken) return first;
  if (isFresh(fromFile, options)) return { kind: 'adopted', tokens: fromFile };
  return refreshOnce(options, fromFile.refreshToken);
}

async function refreshOnce(options: RefreshAccountOptions, refreshToken: string): Promise<RefreshOutcome> {
  const result = await refreshTokens({
    tokenUrl: options.tokenUrl,
    clientId: options.clientId,
    refreshToken,
    providerName: options.providerName,
    timeoutInMs: options.timeoutInMs,
    now: options.now,
    ...(options.scope === undefined ? {} : { scope: options.scope }),
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
  });
  if (!result.ok) {
    return result.kind === 'invalid_grant'
      ? { kind: 'invalid_grant' }
      : { kind: 'failed', reason: result.reason };
  }
  let writeError: ProviderError | undefined;
  if (options.tokenFile !== undefined) {
    try {
      await writeTokenFile(options.tokenFile, result.tokens, { now: options.now });
    } catch (error) {
      writeError = error as ProviderError;
    }
  }
  return { kind: 'refreshed', tokens: result.tokens, writeError };
}

/** A token file that cannot be read is no reason not to refresh: the refresh rewrites it. */
async function readQuietly(tokenFile: string): Promise<OAuthTokens | undefined> {
  try {
    return await readTokenFile(tokenFile);
  } catch {
    return undefined;
  }
}

/**
 * Another process's tokens: a different access or refresh token that does not expire earlier than ours (a file
 * older than memory is one whose last write failed; its refresh token is spent).
 */
function isNewer(candidate: OAuthTokens, current: OAuthTokens | undefined): boolean {
  if (current === undefined) return true;
  if (candidate.accessToken === current.accessToken && candidate.refreshToken === current.refreshToken)
    return false;
  return (candidate.expiresAt ?? Number.POSITIVE_INFINITY) >= (current.expiresAt ?? Number.NEGATIVE_INFINITY);
}

function shouldAdopt(candidate: OAuthTokens, options: RefreshAccountOptions): boolean {
  if (candidate.accessToken === '') return false;
  const now = options.now();
  if (!isUnexpired(candidate, now)) return false;
  // After a 401 any other live token is worth a try; ahead of expiry only one that needs no refresh itself.
  return options.force || candidate.refreshToken === undefined || isFresh(candidate, options);
}

function isFresh(tokens: OAuthTokens, options: RefreshAccountOptions): boolean {
  return (
    tokens.accessToken !== '' &&
    (tokens.expiresAt === undefined || options.now() < tokens.expiresAt - options.refreshBeforeInMs)
  );
}

function isUnexpired(tokens: OAuthTokens, now: number): boolean {
  return tokens.accessToken !== '' && (tokens.expiresAt === undefined || now < tokens.expiresAt);
}
