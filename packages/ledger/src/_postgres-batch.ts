import type { PoolClient } from 'pg';
import { postgresBatchSql, postgresInsertSql } from './_postgres-sql.js';
import type { LedgerBatch } from './_write-queue.js';
import type { LedgerRow } from './ledger-row.js';

/** Positions of the bigint and integer columns in `postgresInsertSql`: time, status, attempts and the token counts. */
const integerColumns = new Set([0, 7, 8, 9, 10, 11, 12]);

/**
 * SQLSTATE classes of errors that no retry changes: 22 (data exception: a value the column cannot hold) and 23
 * (integrity constraint violation). Connection, timeout and privilege errors are retried.
 */
export function isPermanentWriteError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/** The batch as 19 column arrays, in the order `postgresInsertSql` binds them. */
function columnsOf(rows: readonly LedgerRow[]): unknown[][] {
  const columns: unknown[][] = Array.from({ length: 19 }, () => new Array(rows.length));
  rows.forEach((row, index) => {
    const values = [
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
      row.stream,
      row.outputEstimated === true,
      row.dedup ?? null,
    ];
    values.forEach((value, column) => {
      // Postgres parses each array element by its column type: a fractional time (ccb's clock has sub-ms
      // precision) is no bigint. Flooring keeps every comparison with a whole-ms boundary (windows, days) as it was.
      const stored = integerColumns.has(column) && typeof value === 'number' ? Math.floor(value) : value;
      (columns[column] as unknown[])[index] = stored;
    });
  });
  return columns;
}

/**
 * Writes one batch in a transaction: its id into `batches`, then its rows with one statement. When the id is
 * already there, an earlier attempt committed though its answer was lost, and the rows are not written again.
 */
export async function writePostgresBatch(
  client: PoolClient,
  schema: string,
  batch: LedgerBatch,
  nowInMs: number,
): Promise<void> {
  await client.query('BEGIN');
  try {
    const recorded = await client.query(postgresBatchSql(schema), [batch.id, nowInMs]);
    if (recorded.rowCount === 1) await client.query(postgresInsertSql(schema), columnsOf(batch.rows));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
