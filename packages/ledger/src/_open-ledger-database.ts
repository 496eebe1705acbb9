import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { insertSql, putRow, rowsPerInsert, valuesPerRow } from './_ledger-insert.js';
import { prepareSchema } from './_ledger-schema.js';
import { keySpendSql, providerSpendSql, pruneSql } from './_usage-sql.js';
import { causeMessage, LedgerError } from './ledger-error.js';
import type { LedgerRow } from './ledger-row.js';
import type { SqliteDatabase, SqliteDriver, SqliteStatement, SqliteValue } from './sqlite-driver.js';

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
  const insertOne = database.prepare(insertSql(1));
  const insertMany = database.prepare(insertSql(rowsPerInsert));
  // Filled anew for every statement; the spread below hands each call its own copy, which a driver may change.
  const oneRowValues: SqliteValue[] = new Array(valuesPerRow).fill(null);
  const manyRowValues: SqliteValue[] = new Array(valuesPerRow * rowsPerInsert).fill(null);
  const insertBatch = (rows: readonly LedgerRow[]) => {
    database.exec('BEGIN');
    try {
      let index = 0;
      for (; index + rowsPerInsert <= rows.length; index += rowsPerInsert) {
        for (let offset = 0; offset < rowsPerInsert; offset++) {
          putRow(manyRowValues, offset * valuesPerRow, rows[index + offset] as LedgerRow);
        }
        insertMany.run(...manyRowValues);
      }
      for (; index < rows.length; index++) {
        putRow(oneRowValues, 0, rows[index] as LedgerRow);
        insertOne.run(...oneRowValues);
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
