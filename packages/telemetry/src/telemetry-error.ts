/** Shared by every `@ccb/*` error so a brand check works across duplicate installs of a package. */
const ccbErrorBrand = Symbol.for('ccb.error');
const codePrefix = 'CCB_TELEMETRY_';

/** Stable codes of every error `@ccb/telemetry` throws; callers branch on these, never on messages. */
export type TelemetryErrorCode = 'CCB_TELEMETRY_INVALID_OPTIONS' | 'CCB_TELEMETRY_FLUSH_FAILED';

/** Options of {@link TelemetryError}. */
export interface TelemetryErrorOptions {
  /** The underlying error, when one exists. */
  readonly cause?: unknown;
}

/**
 * The one error type of `@ccb/telemetry`. Use {@link TelemetryError.is} rather than `instanceof`: two copies of
 * the package (duplicate installs) produce distinct classes, but both carry the same `Symbol.for('ccb.error')`
 * brand.
 */
export class TelemetryError extends Error {
  override readonly name = 'TelemetryError';
  readonly code: TelemetryErrorCode;
  readonly [ccbErrorBrand] = true;

  constructor(code: TelemetryErrorCode, message: string, options?: TelemetryErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** `true` when `value` is a telemetry error from any copy of this package. */
  static is(value: unknown): value is TelemetryError {
    if (typeof value !== 'object' || value === null) return false;
    const candidate = value as { [ccbErrorBrand]?: unknown; code?: unknown };
    return (
      candidate[ccbErrorBrand] === true &&
      typeof candidate.code === 'string' &&
      candidate.code.startsWith(codePrefix)
    );
  }
}
