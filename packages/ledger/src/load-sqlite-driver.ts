import { createRequire } from 'node:module';
import { libsqlDriver } from './_libsql-driver.js';
import { nodeSqliteDriver } from './_node-sqlite-driver.js';
import { LedgerError } from './ledger-error.js';
import type { SqliteDriver } from './sqlite-driver.js';

/** Options of {@link loadSqliteDriver}. */
export interface LoadSqliteDriverOptions {
  /**
   * Loads a module by name. Default: Node's `require`, relative to this package. Tests refuse or fake modules. When it
   * has `resolve` (as Node's `require` does), libsql's resolved path names the driver for the WAL checkpoint worker.
   */
  readonly require?: ((id: string) => unknown) & { readonly resolve?: (id: string) => string };
}

/** The first line of a load failure: a missing module's message goes on with its whole require stack. */
function firstLine(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.split('\n', 1)[0] ?? message;
}

/** Where `load` found `id`, when it can say: a worker thread loads the same file by this path. */
function resolvedOrUndefined(load: LoadSqliteDriverOptions['require'] & {}, id: string): string | undefined {
  try {
    return load.resolve?.(id);
  } catch {
    return undefined;
  }
}

/**
 * Loads a SQLite library, when a ledger opens and never when this package is imported, so that a process without
 * one still starts (ccb serves without its ledger). First libsql, whose prebuilt binary comes from the npm
 * registry as an optional per-platform package; then `node:sqlite`, built into Node.js ≥ 22.13, for platforms
 * libsql has no binary for or installs that left optional dependencies out.
 *
 * @throws {LedgerError} `CCB_LEDGER_DRIVER_UNAVAILABLE` saying why each failed and how to fix it, in one line.
 */
export function loadSqliteDriver(options: LoadSqliteDriverOptions = {}): SqliteDriver {
  const load = options.require ?? createRequire(import.meta.url);
  let libsqlFailure: unknown;
  try {
    const Database = load('libsql') as Parameters<typeof libsqlDriver>[0];
    return libsqlDriver(Database, resolvedOrUndefined(load, 'libsql'));
  } catch (cause) {
    libsqlFailure = cause;
  }
  try {
    return nodeSqliteDriver(
      withoutSqliteWarning(() => load('node:sqlite')) as Parameters<typeof nodeSqliteDriver>[0],
    );
  } catch (cause) {
    throw new LedgerError(
      'CCB_LEDGER_DRIVER_UNAVAILABLE',
      `No SQLite library could be loaded (libsql: ${firstLine(libsqlFailure)}; node:sqlite: ${firstLine(cause)}). ` +
        `Install libsql's prebuilt binary for ${process.platform}-${process.arch} (npm and pnpm add it unless ` +
        'optional dependencies are omitted; it is published for linux x64/arm64/arm, darwin x64/arm64 and win32 ' +
        'x64), or run Node.js 22.13 or later, which has node:sqlite built in.',
      { cause: new AggregateError([libsqlFailure, cause], 'no SQLite library') },
    );
  }
}

/**
 * Loads `node:sqlite` without the experimental-feature warning Node.js 22 prints when it is first loaded: ccb
 * chose it knowingly, and the warning would break the one-line output its commands promise. Other warnings pass.
 */
function withoutSqliteWarning<T>(load: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = function filtered(this: unknown, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/\bSQLite is an experimental feature\b/.test(text)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = emitWarning;
  }
}
