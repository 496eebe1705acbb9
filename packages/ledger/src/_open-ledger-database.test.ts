import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerRow } from '../test/ledger-rows.js';
import { sqliteDrivers } from '../test/sqlite-drivers.js';
import { type LedgerDatabase, openLedgerDatabase } from './_open-ledger-database.js';
import type { LedgerRow } from './ledger-row.js';

/** A row whose required fields differ from every other row's, with the optional ones set in some rows and not others. */
function distinctRow(index: number): LedgerRow {
  return ledgerRow({
    time: 1_700_000_000_000 + index,
    requestId: `req_${index}`,
    clientKeyId: `key-${index % 3}`,
    sessionId: index % 4 === 0 ? null : `session-${index}`,
    provider: index % 5 === 0 ? null : `provider-${index}`,
    modelRequested: index % 6 === 0 ? null : `model-${index}`,
    modelSent: index % 7 === 0 ? null : `sent-${index}`,
    status: 200 + index,
    attempts: index % 3,
    inputTokens: 1000 + index,
    outputTokens: 2000 + index,
    cacheCreationInputTokens: 3000 + index,
    cacheReadInputTokens: 4000 + index,
    costUsd: index / 1000,
    durationInMs: index + 0.25,
    timeToFirstByteInMs: index % 2 === 0 ? null : index + 0.5,
    stream: index % 2 === 1,
    ...(index % 3 === 0 ? { outputEstimated: true } : {}),
    ...(index % 4 === 1 ? { dedup: 'joined' as const } : index % 4 === 2 ? { dedup: 'cached' as const } : {}),
  });
}

/** What the `requests` table holds for `row`, column by column. */
function storedRow(row: LedgerRow): Record<string, unknown> {
  return {
    time_ms: row.time,
    request_id: row.requestId,
    client_key_id: row.clientKeyId,
    session_id: row.sessionId,
    provider: row.provider,
    model_requested: row.modelRequested,
    model_sent: row.modelSent,
    status: row.status,
    attempts: row.attempts,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    cache_creation_input_tokens: row.cacheCreationInputTokens,
    cache_read_input_tokens: row.cacheReadInputTokens,
    cost_usd: row.costUsd,
    duration_ms: row.durationInMs,
    ttfb_ms: row.timeToFirstByteInMs,
    stream: row.stream ? 1 : 0,
    output_estimated: row.outputEstimated === true ? 1 : 0,
    dedup: row.dedup ?? null,
  };
}

describe.each(sqliteDrivers)('openLedgerDatabase on $name: insertBatch', (driver) => {
  let directory: string | undefined;
  let ledger: LedgerDatabase | undefined;
  afterEach(() => {
    ledger?.database.close();
    ledger = undefined;
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
    directory = undefined;
  });

  function open(): LedgerDatabase {
    directory = mkdtempSync(join(tmpdir(), 'ccb-ledger-insert-'));
    ledger = openLedgerDatabase(join(directory, 'ledger.db'), driver.load());
    return ledger;
  }

  function stored(database: LedgerDatabase): Record<string, unknown>[] {
    return database.database
      .prepare('SELECT * FROM requests ORDER BY id')
      .all()
      .map(({ id: _id, ...columns }) => columns);
  }

  // Rows go 16 to a statement and the rest one by one: 0, 1, 15, 16, 17 and 37 rows cover every way a batch splits.
  it.each([0, 1, 15, 16, 17, 37])('stores every field of every row of a batch of %i in order', (count) => {
    const database = open();
    const rows = Array.from({ length: count }, (_, index) => distinctRow(index));
    database.insertBatch(rows);
    expect(stored(database)).toEqual(rows.map(storedRow));
  });

  it('keeps no value of an earlier batch in a later one', () => {
    const database = open();
    // 17 rows, a full statement and one alone, every optional field set: both buffers hold values.
    const first = Array.from({ length: 17 }, (_, index) => ({
      ...distinctRow(index + 1),
      sessionId: `session-${index}`,
      provider: `provider-${index}`,
      modelRequested: `model-${index}`,
      modelSent: `sent-${index}`,
      timeToFirstByteInMs: 1.5,
      outputEstimated: true,
      dedup: 'joined' as const,
    }));
    // Every optional field absent or null in the second batch: a value left over from the first would show.
    const second = Array.from({ length: 17 }, (_, index) =>
      ledgerRow({
        requestId: `later_${index}`,
        sessionId: null,
        provider: null,
        modelRequested: null,
        modelSent: null,
        timeToFirstByteInMs: null,
      }),
    );
    database.insertBatch(first);
    database.insertBatch(second);
    expect(stored(database)).toEqual([...first, ...second].map(storedRow));
  });

  // A NOT NULL column given null, after a 16-row statement was written in the transaction: inside the second
  // statement (row 20 of 37) or in the one-by-one tail (row 36). Only a rollback takes the written rows back.
  it.each([20, 36])(
    'writes none of a batch when its row %i fails, and writes the next batch whole',
    (broken) => {
      const database = open();
      const rows = Array.from({ length: 37 }, (_, index) => distinctRow(index));
      const withBroken = rows.map((row, index) =>
        index === broken ? ({ ...row, status: null } as unknown as LedgerRow) : row,
      );
      expect(() => database.insertBatch(withBroken)).toThrow();
      expect(stored(database)).toEqual([]);
      database.insertBatch(rows);
      expect(stored(database)).toEqual(rows.map(storedRow));
    },
  );
});
