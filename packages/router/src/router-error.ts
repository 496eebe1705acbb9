/** Stable codes of every error `@ccb/router` throws; callers branch on these, never on messages. */
export type RouterErrorCode =
  | 'CCB_ROUTER_INVALID_TARGET'
  | 'CCB_ROUTER_INVALID_OPTIONS'
  | 'CCB_ROUTER_INVALID_RULE'
  | 'CCB_ROUTER_UNKNOWN_STRATEGY'
  | 'CCB_ROUTER_UNKNOWN_TARGET';

/** Shared by every `@ccb/*` error so a brand check works across duplicate installs of a package. */
const ccbErrorBrand = Symbol.for('ccb.error');
const codePrefix = 'CCB_ROUTER_';

/** Options of {@link RouterError}. */
export interface RouterErrorOptions {
  /** The underlying error, when one exists. */
  readonly cause?: unknown;
}

/**
 * The one error type of `@ccb/router`. Use {@link RouterError.is} rather than `instanceof`: two copies of the
 * package (duplicate installs) produce distinct classes, but both carry the same `Symbol.for('ccb.error')` brand.
 */
export class RouterError extends Error {
  override readonly name = 'RouterError';
  readonly code: RouterErrorCode;
  readonly [ccbErrorBrand] = true;

  constructor(code: RouterErrorCode, message: string, options?: RouterErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** `true` when `value` is a router error from any copy of this package. */
  static is(value: unknown): value is RouterError {
    if (typeof value !== 'object' || value === null) return false;
    const candidate = value as { [ccbErrorBrand]?: unknown; code?: unknown };
    return (
      candidate[ccbErrorBrand] === true &&
      typeof candidate.code === 'string' &&
      candidate.code.startsWith(codePrefix)
    );
  }
}
