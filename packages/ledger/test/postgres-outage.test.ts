import { ownPostgresSkipReason, type PostgresServer, startPostgres } from '@ccb/test-engines';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPostgresLedger, type LedgerError, type PostgresLedger } from '../src/index.js';
import { ledgerRow } from './ledger-rows.js';

// These tests stop and start the server, so they need one of their own (DATABASE_URL's is never stopped).
const skipReason = ownPostgresSkipReason();
const skip = skipReason !== undefined;
if (skip) console.warn(`skipping the Postgres outage tests: ${skipReason}`);

describe.skipIf(skip)('the Postgres ledger while the database is down', () => {
  let server: PostgresServer;
  let schemaCount = 0;

  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);

  afterAll(async () => {
    await server?.destroy();
  }, 60_000);

  function open(
    onError: (error: LedgerError) => void,
    options: { maxBatchRows?: number; maxPendingRows?: number } = {},
  ) {
    schemaCount += 1;
    return createPostgresLedger({
      url: server.url,
      schema: `outage_${schemaCount}`,
      batchIntervalInMs: 5,
      retryDelayInMs: 20,
      maxRetryDelayInMs: 100,
      connectTimeoutInMs: 1000,
      onError,
      ...options,
    });
  }

  async function stored(ledger: PostgresLedger): Promise<number> {
    return (await ledger.query({ sinceInMs: 0, by: 'provider' })).reduce((sum, row) => sum + row.requests, 0);
  }

  it('queues rows without waiting while the database is stopped, and writes them once it is back', async () => {
    const errors: LedgerError[] = [];
    const ledger = open((error) => errors.push(error));
    ledger.record(ledgerRow());
    await ledger.flush();
    await server.stop();
    try {
      for (let index = 0; index < 50; index += 1) {
        // A request's only contact with the ledger: it returns at once, the database down or not.
        expect(ledger.record(ledgerRow())).toBeUndefined();
      }
      await expect(ledger.flush()).rejects.toMatchObject({ code: 'CCB_LEDGER_WRITE_FAILED' });
      expect(ledger.stats()).toEqual({ pendingRows: 50, writtenRows: 1, droppedRows: 0 });
      expect(errors[0]?.code).toBe('CCB_LEDGER_WRITE_FAILED');
    } finally {
      await server.start();
    }
    // The background retry writes them; nothing calls flush here.
    await vi.waitFor(() => expect(ledger.stats().writtenRows).toBe(51), { timeout: 10_000, interval: 20 });
    expect(await stored(ledger)).toBe(51);
    expect(ledger.stats()).toEqual({ pendingRows: 0, writtenRows: 51, droppedRows: 0 });
    await ledger.close();
  }, 60_000);

  it('drops the oldest batches past maxPendingRows, counts them and reports once, and stores the rest', async () => {
    const errors: LedgerError[] = [];
    const ledger = open((error) => errors.push(error), { maxBatchRows: 5, maxPendingRows: 20 });
    await ledger.ready();
    await server.stop();
    try {
      for (let index = 0; index < 100; index += 1) ledger.record(ledgerRow());
      await expect(ledger.flush()).rejects.toMatchObject({ code: 'CCB_LEDGER_WRITE_FAILED' });
      const { pendingRows, droppedRows } = ledger.stats();
      expect(pendingRows).toBeLessThanOrEqual(20);
      expect(pendingRows + droppedRows).toBe(100);
      expect(errors.filter((error) => error.code === 'CCB_LEDGER_ROWS_DROPPED')).toHaveLength(1);
    } finally {
      await server.start();
    }
    await ledger.flush();
    const { droppedRows, writtenRows } = ledger.stats();
    expect(writtenRows).toBe(100 - droppedRows);
    expect(await stored(ledger)).toBe(writtenRows);
    await ledger.close();
  }, 60_000);
});
