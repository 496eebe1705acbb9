/** Stable codes of {@link MockUpstreamError}; callers branch on these, never on messages. */
export type MockUpstreamErrorCode =
  | 'CCB_MOCK_UPSTREAM_INVALID_OPTIONS'
  | 'CCB_MOCK_UPSTREAM_INVALID_FAULT'
  | 'CCB_MOCK_UPSTREAM_LISTEN_FAILED'
  | 'CCB_MOCK_UPSTREAM_WAIT_TIMEOUT'
  | 'CCB_MOCK_UPSTREAM_CLOSED';

// Symbol.for() keys live in the global registry, so the brand survives duplicate installs of this package.
const ccbErrorBrand = Symbol.for('ccb.error');
const codePrefix = 'CCB_MOCK_UPSTREAM_';

/**
 * The one error class thrown by `@ccb/mock-upstream`. Branch on `code`; use
 * {@link MockUpstreamError.is} rather than `instanceof` so two copies of the package still agree.
 */
export class MockUpstreamError extends Error {
  readonly code: MockUpstreamErrorCode;
  readonly [ccbErrorBrand] = true;

  constructor(code: MockUpstreamErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MockUpstreamError';
    this.code = code;
  }

  /** True for any `MockUpstreamError`, including ones created by another copy of this package. */
  static is(value: unknown): value is MockUpstreamError {
    if (typeof value !== 'object' || value === null) return false;
    const candidate = value as { [ccbErrorBrand]?: unknown; code?: unknown };
    return (
      candidate[ccbErrorBrand] === true &&
      typeof candidate.code === 'string' &&
      candidate.code.startsWith(codePrefix)
    );
  }
}
