/**
 * One subscription account's tokens as the token store passes them: the same shape as `@ccb/providers`'
 * `OAuthTokens` (this package does not import it; the CLI's type test proves the two fit).
 */
export interface SharedTokens {
  accessToken: string;
  refreshToken?: string;
  /** ms since the epoch; absent when unknown (a long-lived token). */
  expiresAt?: number;
  scope?: string;
}

/** A held refresh lock. `fallback` when it is the local token file's lock, taken because Redis was unreachable. */
export interface SharedTokenLock {
  release(): Promise<void>;
  readonly fallback?: boolean;
}

/** What the credential source tells `lock`. */
export interface SharedTokenLockOptions {
  readonly staleAfterInMs: number;
  readonly waitInMs: number;
  readonly now: () => number;
}

/**
 * A token store as `@ccb/providers`' `OAuthTokenStore` defines it: the Redis store is one, and so is the token file
 * store it falls back to.
 */
export interface TokenStoreShape {
  read(): Promise<SharedTokens | undefined>;
  write(tokens: SharedTokens): Promise<void>;
  lock(options: SharedTokenLockOptions): Promise<SharedTokenLock | undefined>;
  watch?(onChange: () => void): () => void;
}
