import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database, { type Statement, type Transaction } from 'better-sqlite3';
import { insertSql, prepareSchema } from './_ledger-schema.js';
import { keySpendSql, providerSpendSql, pruneSql } from './_usage-sql.js';
import { causeMessage, LedgerError } from './ledger-error.js';
import type { LedgerRow } from './ledger-row.js';

/** An open ledger file with the statements every ledger uses, prepared once. */
export interface LedgerDatabase {
  readonly database: Database.Database;
  /** Inserts rows in one transaction. */
  readonly insertBatch: Transaction<(rows: readonly LedgerRow[]) => void>;
  readonly deleteOlder: Statement;
  readonly providerSpend: Statement;
  readonly keySpend: Statement;
}

function prepare(database: Database.Database): LedgerDatabase {
  prepareSchema(database);
  const insert = database.prepare(insertSql);
  const insertBatch = database.transaction((rows: readonly LedgerRow[]) => {
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
        row.durationMs,
        row.ttfbMs ?? null,
        row.stream ? 1 : 0,
      );
    }
  });
  return {
    database,
    insertBatch,
    deleteOlder: database.prepare(pruneSql),
    providerSpend: database.prepare(providerSpendSql),
    keySpend: database.prepare(keySpendSql),
  };
}

/**
 * Opens or creates the ledger file (and its directory), sets the pragmas, creates the schema and prepares the
 * statements.
 *
 * @throws {LedgerError} `CCB_LEDGER_OPEN_FAILED` with the SQLite or file system error as `cause`.
 */
export function openLedgerDatabase(path: string): LedgerDatabase {
  let database: Database.Database | undefined;
  try {
    if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
    database = new Database(path);
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
