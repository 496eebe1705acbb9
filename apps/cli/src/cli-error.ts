/** Shared by every `@ccb/*` error, so a single check recognises any of them. */
const ccbErrorBrand = Symbol.for('ccb.error');

/** Any `@ccb/*` error (from any installed copy): their messages are written for users and need no stack. */
export function isCcbError(value: unknown): value is Error {
  return value instanceof Error && ccbErrorBrand in value;
}

/**
 * Stable codes of {@link CliError}, each with its exit code:
 * - `CCB_CLI_USAGE` (exit 2): the command line itself is wrong (an unknown flag or command, a missing or bad
 *   flag value); nothing was attempted. 2 is the conventional exit code for usage errors (bash, getopt tools).
 * - `CCB_CLI_FAILED` (exit 1): the command was understood but could not do its job (a refused bind, an
 *   unreachable instance, files in the way).
 */
export type CliErrorCode = 'CCB_CLI_USAGE' | 'CCB_CLI_FAILED';

/** Options of the {@link CliError} constructor. */
export interface CliErrorOptions {
  /** Default `CCB_CLI_FAILED`. */
  readonly code?: CliErrorCode;
  readonly cause?: unknown;
}

/**
 * A failure the user can act on. The CLI prints its message as one line, `ccb: <message>`, and exits with the
 * code's exit status; never with a stack trace. Messages say what went wrong, where, and how to fix it.
 */
export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly [ccbErrorBrand] = true;

  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = options.code ?? 'CCB_CLI_FAILED';
  }

  /** The process exit status for this error: 2 for a usage error, 1 otherwise. */
  get exitCode(): 1 | 2 {
    return this.code === 'CCB_CLI_USAGE' ? 2 : 1;
  }

  /** True for a `CliError`, also one created by another copy of this package. */
  static is(value: unknown): value is CliError {
    return (
      typeof value === 'object' &&
      value !== null &&
      ccbErrorBrand in value &&
      (value as { name?: unknown }).name === 'CliError'
    );
  }
}

/** A usage error (exit 2): the command line is wrong and nothing was attempted. */
export function usageError(message: string): CliError {
  return new CliError(message, { code: 'CCB_CLI_USAGE' });
}
