import { type ConfigIssue, formatConfigIssue } from './format-config-issue.js';

/**
 * Stable codes carried by {@link ConfigError}. Callers branch on these, never on messages.
 *
 * - `CCB_CONFIG_INVALID`: the document parsed but does not satisfy the schema.
 * - `CCB_CONFIG_YAML`: the file is not valid YAML (syntax, duplicate keys).
 * - `CCB_CONFIG_ENV`: `${VAR}` references that cannot be resolved, or a malformed `.env` file.
 * - `CCB_CONFIG_NOT_FOUND`: no config file where one was expected.
 * - `CCB_CONFIG_READ`: a file exists but could not be read.
 * - `CCB_CONFIG_PERSIST_UNKNOWN_PROVIDER`: a change to write back names a provider the file does not list.
 * - `CCB_CONFIG_PERSIST_NOT_WRITABLE`: the config file is read-only, or it or its folder cannot be written.
 * - `CCB_CONFIG_PERSIST_UNSUPPORTED`: the file's `providers` is not a plain YAML list of mappings, or the value
 *   cannot be changed in place without changing others (an anchor shared by aliases).
 */
export type ConfigErrorCode =
  | 'CCB_CONFIG_INVALID'
  | 'CCB_CONFIG_YAML'
  | 'CCB_CONFIG_ENV'
  | 'CCB_CONFIG_NOT_FOUND'
  | 'CCB_CONFIG_READ'
  | 'CCB_CONFIG_PERSIST_UNKNOWN_PROVIDER'
  | 'CCB_CONFIG_PERSIST_NOT_WRITABLE'
  | 'CCB_CONFIG_PERSIST_UNSUPPORTED';

/** Options of the {@link ConfigError} constructor. */
export interface ConfigErrorOptions {
  code: ConfigErrorCode;
  issues: readonly ConfigIssue[];
  /** The file the issues come from, when there is one. */
  source?: string | undefined;
  cause?: unknown;
}

/** Shared by every `@ccb/*` error, so a single check recognises any of them. */
const ccbErrorBrand = Symbol.for('ccb.error');
/** Specific to this class; a `Symbol.for` key so the brand survives duplicate installs of the package. */
const configErrorBrand = Symbol.for('ccb.config.error');

/**
 * The one error type of `@ccb/config`. Every user mistake surfaces as a `ConfigError` whose `message`
 * lists all issues, one per line, so the CLI can print it without a stack trace.
 */
export class ConfigError extends Error {
  /** Stable machine-readable code; see {@link ConfigErrorCode}. */
  readonly code: ConfigErrorCode;
  /** Every problem found, in document order where known. Never empty. */
  readonly issues: readonly ConfigIssue[];
  /** The file the issues come from, when there is one. */
  readonly source: string | undefined;
  readonly [ccbErrorBrand] = true;
  readonly [configErrorBrand] = true;

  constructor(options: ConfigErrorOptions) {
    super(options.issues.map((issue) => formatConfigIssue(issue, options.source)).join('\n'), {
      cause: options.cause,
    });
    this.name = 'ConfigError';
    this.code = options.code;
    this.issues = Object.freeze([...options.issues]);
    this.source = options.source;
  }

  /** True for any `ConfigError`, including one thrown by another copy of this package. */
  static is(value: unknown): value is ConfigError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[configErrorBrand] === true
    );
  }
}
