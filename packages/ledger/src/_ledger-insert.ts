import type { LedgerRow } from './ledger-row.js';
import type { SqliteValue } from './sqlite-driver.js';

/** The columns an insert writes, in the order {@link putRow} puts a row's values. */
const insertColumns = [
  'time_ms',
  'request_id',
  'client_key_id',
  'session_id',
  'provider',
  'model_requested',
  'model_sent',
  'status',
  'attempts',
  'input_tokens',
  'output_tokens',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
  'cost_usd',
  'duration_ms',
  'ttfb_ms',
  'stream',
  'output_estimated',
  'dedup',
] as const;

/** How many values one row binds. */
export const valuesPerRow = insertColumns.length;

/**
 * Rows one insert statement binds. With libsql a statement per row spent 6.1–6.7 µs a row in a flush's transaction,
 * one per 16 rows 4.8–5.5 (`scripts/flush-stalls.mjs bulk`): the call's own cost (~1.5 µs) is shared among the rows,
 * while binding each value (~0.14 µs) and SQLite's insert are not, so more rows a statement gain little (50 measured
 * no faster in a loop). 16 × 19 parameters stay far below SQLite's limit (999 in builds before 3.32).
 */
export const rowsPerInsert = 16;

/** An insert of `rowCount` rows in one statement, their values positional, row after row. */
export function insertSql(rowCount: number): string {
  const row = `(${new Array(valuesPerRow).fill('?').join(', ')})`;
  return `INSERT INTO requests (${insertColumns.join(', ')}) VALUES ${new Array(rowCount).fill(row).join(', ')}`;
}

/** Puts a row's values at `offset` in `values`, in the order of `insertColumns`. */
export function putRow(values: SqliteValue[], offset: number, row: LedgerRow): void {
  // Booleans and undefined are not bindable in SQLite.
  values[offset] = row.time;
  values[offset + 1] = row.requestId;
  values[offset + 2] = row.clientKeyId;
  values[offset + 3] = row.sessionId ?? null;
  values[offset + 4] = row.provider ?? null;
  values[offset + 5] = row.modelRequested ?? null;
  values[offset + 6] = row.modelSent ?? null;
  values[offset + 7] = row.status;
  values[offset + 8] = row.attempts;
  values[offset + 9] = row.inputTokens;
  values[offset + 10] = row.outputTokens;
  values[offset + 11] = row.cacheCreationInputTokens;
  values[offset + 12] = row.cacheReadInputTokens;
  values[offset + 13] = row.costUsd;
  values[offset + 14] = row.durationInMs;
  values[offset + 15] = row.timeToFirstByteInMs ?? null;
  values[offset + 16] = row.stream ? 1 : 0;
  values[offset + 17] = row.outputEstimated === true ? 1 : 0;
  values[offset + 18] = row.dedup ?? null;
}
