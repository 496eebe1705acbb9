import type { OAuthTokens } from './oauth-tokens.js';

/** What {@link OAuthTokenStore.lock} is told by the credential source. */
export interface OAuthTokenLockOptions {
  /** A lock older than this is a crashed or hung holder's and may be taken over: the token request timeout, in ms. */
  readonly staleAfterInMs: number;
  /** How long to wait for another holder before giving up, in ms (real time). */
  readonly waitInMs: number;
  /** Clock, ms since the epoch. */
  readonly now: () => number;
}

/** A held refresh lock; `release` removes it only if it is still this holder's. */
export interface OAuthTokenLock {
  release(): Promise<void>;
  /**
   * True when the store could not take its usual lock (a shared store that is unreachable) and fell back to a
   * narrower one (this host's token file). An `invalid_grant` under such a lock may be a peer's rotation this
   * instance could not see, so it counts as a transient failure, never as a dead account.
   */
  readonly fallback?: boolean;
}

/**
 * Where one subscription account's tokens live and how refreshes of it are serialised: a token file with a lock
 * file beside it (`createFileTokenStore`, the default), or a store shared by several hosts (Redis). The credential
 * source keeps its guarantees over any store: read again under the lock before refreshing, write before use,
 * re-read before declaring the account dead.
 */
export interface OAuthTokenStore {
  /**
   * The stored tokens; `undefined` when there are none yet.
   * @throws ProviderError `CCB_PROVIDER_TOKEN_FILE_INVALID` when what is stored is unusable
   */
  read(): Promise<OAuthTokens | undefined>;
  /**
   * Stores rotated tokens before they are used (a rotated refresh token must never live only in memory).
   * @throws ProviderError `CCB_PROVIDER_TOKEN_FILE_WRITE_FAILED`
   */
  write(tokens: OAuthTokens): Promise<void>;
  /** Takes the account's refresh lock (one refresher at a time); `undefined` when the wait runs out. */
  lock(options: OAuthTokenLockOptions): Promise<OAuthTokenLock | undefined>;
  /**
   * Calls `onChange` when the stored tokens may have changed (a new login, a peer's refresh), while the account
   * waits for a new login; returns a function that stops watching. Optional: without it a new login is seen at the
   * next read.
   */
  watch?(onChange: () => void): () => void;
  /** Stops what the store listens to; the credential source given the store calls it from its own `close()`. */
  close?(): void;
}
