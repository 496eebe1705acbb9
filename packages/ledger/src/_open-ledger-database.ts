import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { insertSql, prepareSchema } from './_ledger-schema.js';
import { keySpendSql, providerSpendSql, pruneSql } from './_usage-sql.js';
import { causeMessage, LedgerError } from './ledger-error.js';
import type { LedgerRow } from './ledger-row.js';
import type { SqliteDatabase, SqliteDriver, SqliteStatement } from './sqlite-driver.js';

/** An open ledger file with the statements every ledger uses, prepared once. */
export interface LedgerDatabase {
  readonly database: SqliteDatabase;
  /** Inserts rows in one transaction: all of them, or none. */
  readonly insertBatch: (rows: readonly LedgerRow[]) => void;
  readonly deleteOlder: SqliteStatement;
  readonly providerSpend: SqliteStatement;
  readonly keySpend: SqliteStatement;
}

function prepare(database: SqliteDatabase): LedgerDatabase {
  prepareSchema(database);
  const insert = database.prepare(insertSql);
  const insertBatch = (rows: readonly LedgerRow[]) => {
    database.exec('BEGIN');
    try {
      for (const row of rows) {
        // Positional binding: no per-row parameter object; booleans and undefined are not bindable in SQLite.
        insert.run(
          row.time,
          row.requestId,
          row.clientKeyId,
          row.sessionId ?? null,
          row.provider ?? null,
          row.modelRequested ?? null,
          row.modelSent ?? null,
          row.status,
          row.attempts,
          row.inputTokens,
          row.outputTokens,
          row.cacheCreationInputTokens,
          row.cacheReadInputTokens,
          row.costUsd,
          row.durationInMs,
          row.timeToFirstByteInMs ?? null,
          row.stream ? 1 : 0,
          row.outputEstimated === true ? 1 : 0,
          row.dedup ?? null,
        );
      }
      database.exec('COMMIT');
    } catch (error) {
      try {
        database.exec('ROLLBACK');
      } catch {
        // SQLite already rolled back (e.g. a failed COMMIT on a full disk); the error to report is the first one.
      }
      throw error;
    }
  };
  return {
    database,
    insertBatch,
    deleteOlder: database.prepare(pruneSql),
    providerSpend: database.prepare(providerSpendSql),
    keySpend: database.prepare(keySpendSql),
  };
}

/**
 * Opens or creates the ledger file (and its directory) with `driver`, sets the pragmas, creates the schema and
 * prepares the statements.
 *
 * @throws {LedgerError} `CCB_LEDGER_OPEN_FAILED` with the SQLite or file system error as `cause`.
 */
export function openLedgerDatabase(path: string, driver: SqliteDriver): LedgerDatabase {
  let database: SqliteDatabase | undefined;
  try {
    if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
    database = driver.open(path);
    return prepare(database);
  } catch (cause) {
    database?.close();
    const reason = causeMessage(cause);
    throw new LedgerError(
      'CCB_LEDGER_OPEN_FAILED',
      `Cannot open the ledger at ${path}: ${reason}. Check that the path is writable and is a ccb ledger file.`,
      { cause },
    );
  }
}
