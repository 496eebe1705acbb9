/**
 * Where an OAuth account stands:
 * - `ready`: it has an access token it believes valid (a failed background refresh shows in `error`);
 * - `refreshing`: a token request is under way;
 * - `needs_login`: the refresh token was refused (`invalid_grant`) or an expired token has no refresh token: run
 *   `ccb login NAME`; the token endpoint is not called again until the token file changes;
 * - `unavailable`: the access token has expired and refreshing it failed; retried with backoff.
 */
export type OAuthAccountState = 'ready' | 'refreshing' | 'needs_login' | 'unavailable';

/** A secret-free snapshot of an OAuth account, for `ccb status`, `/readyz` and metrics. */
export interface OAuthAccountStatus {
  readonly state: OAuthAccountState;
  /** When the current access token expires, ms since the epoch; `null` when unknown or there is none. */
  readonly expiresAt: number | null;
  /** When this process last obtained a new access token (refresh or another process's, read from the file). */
  readonly refreshedAt: number | null;
  /**
   * The last problem, secret-free and short: `invalid_grant`; `expired` (no refresh token); `no_tokens`;
   * `token_file_invalid`, `token_file_write_failed`, `token_file_locked` (another process held the lock too long);
   * or a token endpoint failure: its OAuth `error` code, `http_503`, `timeout`, `network`, `invalid_response`.
   * `null` when none.
   */
  readonly error: string | null;
}
