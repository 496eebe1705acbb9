const brand = Symbol.for('ccb.error');

/** Stable codes of the errors the proxy raises. */
export type ProxyErrorCode =
  | 'CCB_PROXY_INVALID_OPTIONS'
  | 'CCB_PROXY_BODY_TOO_LARGE'
  | 'CCB_PROXY_BODY_ABORTED'
  | 'CCB_PROXY_BODY_TIMEOUT'
  | 'CCB_PROXY_BODY_RELEASED'
  | 'CCB_PROXY_OVERLOADED'
  | 'CCB_PROXY_LISTEN_FAILED'
  | 'CCB_PROXY_CLOSED';

/** The base of every error `@ccb/proxy` throws; branch on `code`. */
export class ProxyError extends Error {
  readonly code: ProxyErrorCode;
  readonly [brand] = true;

  constructor(code: ProxyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProxyError';
    this.code = code;
  }

  /** True for a `ProxyError`, also one created by another copy of this package. */
  static is(value: unknown): value is ProxyError {
    return (
      typeof value === 'object' &&
      value !== null &&
      brand in value &&
      (value as { name?: unknown }).name === 'ProxyError'
    );
  }
}
