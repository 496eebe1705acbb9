const errorBrand = Symbol.for('ccb.error');

/** Stable codes of the errors `@ccb/providers` throws; callers branch on these, never on messages. */
export type ProviderErrorCode =
  /** The provider options are invalid (bad `baseUrl`, missing or forbidden `apiKey`, a forbidden header…). */
  | 'CCB_PROVIDER_INVALID'
  /** A registry lookup named a provider that is not registered. */
  | 'CCB_PROVIDER_UNKNOWN'
  /** Two providers given to one registry share a name. */
  | 'CCB_PROVIDER_DUPLICATE'
  /** An OAuth account's refresh token was refused (`invalid_grant`): run `ccb login NAME` to sign in again. */
  | 'CCB_PROVIDER_NEEDS_LOGIN'
  /** An OAuth account has no usable access token right now (expired and the refresh failed for a while). */
  | 'CCB_PROVIDER_CREDENTIALS_UNAVAILABLE'
  /** An OAuth token file exists but cannot be read or is not a valid token file. */
  | 'CCB_PROVIDER_TOKEN_FILE_INVALID'
  /** An OAuth token file could not be written (directory missing, permissions, disk full). */
  | 'CCB_PROVIDER_TOKEN_FILE_WRITE_FAILED'
  /** The OAuth token endpoint refused a grant: `invalid_grant` (expired or used code or refresh token). */
  | 'CCB_PROVIDER_OAUTH_INVALID_GRANT'
  /** The OAuth token endpoint refused the request for another reason (`invalid_client`, `invalid_request`, 4xx). */
  | 'CCB_PROVIDER_OAUTH_REJECTED'
  /** The OAuth token endpoint was unreachable, timed out, answered 429/5xx or an unreadable body: retry later. */
  | 'CCB_PROVIDER_OAUTH_UNAVAILABLE'
  /** A pasted login code is not of the form `code#state`, or its state does not match the login's. */
  | 'CCB_PROVIDER_OAUTH_CODE_INVALID';

/** Options of a {@link ProviderError}. */
export interface ProviderErrorOptions {
  /** The provider the error is about, when there is one. */
  readonly providerName?: string | undefined;
  readonly cause?: unknown;
}

/**
 * The one error class of `@ccb/providers`. Messages never contain a credential. The `Symbol.for('ccb.error')`
 * brand lets {@link ProviderError.is} recognise errors thrown by another installed copy of this package, where
 * `instanceof` would fail.
 */
export class ProviderError extends Error {
  readonly code: ProviderErrorCode;
  /** The provider the error is about, `undefined` when none. */
  readonly providerName: string | undefined;
  readonly [errorBrand] = true;

  constructor(code: ProviderErrorCode, message: string, options: ProviderErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.code = code;
    this.providerName = options.providerName;
  }

  /**
   * True for a `ProviderError`, also one from another copy of this package; with `code`, only for that code.
   * Errors of other `@ccb/*` packages share the brand but not the `CCB_PROVIDER_` code prefix.
   */
  static is(value: unknown, code?: ProviderErrorCode): value is ProviderError {
    if (typeof value !== 'object' || value === null || !(errorBrand in value) || !('code' in value)) {
      return false;
    }
    const valueCode = value.code;
    return (
      typeof valueCode === 'string' &&
      (code === undefined ? valueCode.startsWith('CCB_PROVIDER_') : valueCode === code)
    );
  }
}

/** A `CCB_PROVIDER_INVALID` error for `providerName`; `problem` says what is wrong and how to fix it. */
export function invalidProviderError(providerName: string, problem: string): ProviderError {
  return new ProviderError('CCB_PROVIDER_INVALID', `Invalid provider "${providerName}": ${problem}`, {
    providerName,
  });
}
