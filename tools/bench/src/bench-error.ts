/** Stable codes of {@link BenchError}; callers branch on these, never on messages. */
export type BenchErrorCode =
  | 'CCB_BENCH_INVALID_ARGS'
  | 'CCB_BENCH_CLI_NOT_FOUND'
  | 'CCB_BENCH_TARGET_START_FAILED'
  | 'CCB_BENCH_TARGET_EXITED'
  | 'CCB_BENCH_INTERRUPTED';

// Symbol.for() keys live in the global registry, so the brand survives duplicate installs of this package.
const ccbErrorBrand = Symbol.for('ccb.error');
const codePrefix = 'CCB_BENCH_';

/**
 * The one error class thrown by `@ccb/bench`. Branch on `code`; use {@link BenchError.is} rather than
 * `instanceof` so two copies of the package still agree.
 */
export class BenchError extends Error {
  readonly code: BenchErrorCode;
  readonly [ccbErrorBrand] = true;

  constructor(code: BenchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BenchError';
    this.code = code;
  }

  /** True for any `BenchError`, including ones created by another copy of this package. */
  static is(value: unknown): value is BenchError {
    if (typeof value !== 'object' || value === null) return false;
    const candidate = value as { [ccbErrorBrand]?: unknown; code?: unknown };
    return (
      candidate[ccbErrorBrand] === true &&
      typeof candidate.code === 'string' &&
      candidate.code.startsWith(codePrefix)
    );
  }
}
