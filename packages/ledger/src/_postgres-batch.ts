import type { PoolClient } from 'pg';
import { postgresBatchSql, postgresInsertSql } from './_postgres-sql.js';
import type { LedgerBatch } from './_write-queue.js';
import type { LedgerRow } from './ledger-row.js';

/**
 * SQLSTATE classes of errors that no retry changes: 22 (data exception: a value the column cannot hold) and 23
 * (integrity constraint violation). Connection, timeout and privilege errors are retried.
 */
export function isPermanentWriteError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/** The batch as the JSON `postgresInsertSql` reads: one array per row, its 19 values in column order. */
function rowsJson(rows: readonly LedgerRow[]): string {
  const encoded = new Array<unknown[]>(rows.length);
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as LedgerRow;
    // Postgres parses each integer column as such: a fractional time (ccb's clock has sub-ms precision) is no
    // bigint. Flooring keeps every comparison with a whole-ms boundary (windows, days) as it was.
    encoded[index] = [
      Math.floor(row.time),
      row.requestId,
      row.clientKeyId,
      row.sessionId ?? null,
      row.provider ?? null,
      row.modelRequested ?? null,
      row.modelSent ?? null,
      Math.floor(row.status),
      Math.floor(row.attempts),
      Math.floor(row.inputTokens),
      Math.floor(row.outputTokens),
      Math.floor(row.cacheCreationInputTokens),
      Math.floor(row.cacheReadInputTokens),
      row.costUsd,
      row.durationInMs,
      row.timeToFirstByteInMs ?? null,
      row.stream,
      row.outputEstimated === true,
      row.dedup ?? null,
    ];
  }
  return JSON.stringify(encoded);
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
    if (recorded.rowCount === 1) await client.query(postgresInsertSql(schema), [rowsJson(batch.rows)]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
