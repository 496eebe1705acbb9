import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { storedCount, useFakeTimers, useLedgerFixture } from '../test/_ledger-fixture.js';
import { ledgerRow } from '../test/ledger-rows.js';
import { type DriverUnderTest, sqliteDrivers } from '../test/sqlite-drivers.js';
import type { Ledger } from './create-ledger.js';
import type { LedgerRow } from './ledger-row.js';
import type { SqliteDatabase, SqliteDriver } from './sqlite-driver.js';

/** The suite's library, with the size of every transaction the ledger commits recorded in `commits`. */
function countingDriver(driver: DriverUnderTest): { load: () => SqliteDriver; commits: number[] } {
  const commits: number[] = [];
  const load = (): SqliteDriver => {
    const inner = driver.load();
    return {
      name: inner.name,
      open(path) {
        const database = inner.open(path);
        let inserted = 0;
        return {
          exec(sql) {
            if (sql === 'BEGIN') inserted = 0;
            database.exec(sql);
            if (sql === 'COMMIT') commits.push(inserted);
          },
          prepare(sql) {
            const statement = database.prepare(sql);
            if (!sql.trimStart().startsWith('INSERT INTO requests')) return statement;
            return {
              ...statement,
              run(...params) {
                const result = statement.run(...params);
                inserted += Number(result.changes);
                return result;
              },
            };
          },
          close: () => database.close(),
        };
      },
    };
  };
  return { load, commits };
}

function rows(count: number): LedgerRow[] {
  return Array.from({ length: count }, () => ledgerRow());
}

/**
 * Fires the batch timer and nothing after it. `advanceTimersByTime` would also run every turn the flush schedules at
 * the same fake instant, and so write everything.
 */
function fireBatchTimer(batchIntervalInMs: number): void {
  vi.advanceTimersByTime(batchIntervalInMs - 1);
  vi.advanceTimersToNextTimer();
}

/** Fires the fake timers one at a time until the ledger has written everything, at most 100 of them. */
function stepUntilWritten(ledger: Ledger): void {
  for (let step = 0; step < 100 && ledger.stats().pendingRows > 0; step++) vi.advanceTimersToNextTimer();
  expect(ledger.stats().pendingRows).toBe(0);
}

function distinctRequestIds(database: SqliteDatabase): number {
  const row = database.prepare('SELECT COUNT(DISTINCT request_id) AS count FROM requests').get();
  return row?.count as number;
}

/** Turns of the event loop until `done`, at most `limit` of them. */
async function turnsUntil(done: () => boolean, limit = 100): Promise<number> {
  for (let turn = 0; turn < limit; turn++) {
    if (done()) return turn;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`not done after ${limit} turns of the event loop`);
}

describe.each(sqliteDrivers)('createLedger on $name', (driver) => {
  const fixture = useLedgerFixture(driver);
  const { open, reader } = fixture;

  describe('createLedger background transactions', () => {
    it('writes a large queue in transactions of maxRowsPerTransaction, letting the event loop turn between them', async () => {
      const counting = countingDriver(driver);
      const ledger = open({ loadDriver: counting.load, batchIntervalInMs: 3_600_000, maxBatchRows: 1000 });
      const database = reader();
      for (const row of rows(1000)) ledger.record(row);
      // Queued after the ledger's early flush: runs once its first transaction is written, before the second.
      const storedBetween = new Promise<number>((resolve) =>
        setImmediate(() => resolve(storedCount(database))),
      );
      expect(await storedBetween).toBe(200);
      await turnsUntil(() => ledger.stats().pendingRows === 0);
      expect(counting.commits).toEqual([200, 200, 200, 200, 200]);
      expect(storedCount(database)).toBe(1000);
      expect(ledger.stats()).toEqual({ pendingRows: 0, writtenRows: 1000, droppedRows: 0 });
    });

    it('writes one transaction per turn on the interval timer, and rows recorded meanwhile in a later flush', () => {
      useFakeTimers();
      const ledger = open({ batchIntervalInMs: 1000, maxRowsPerTransaction: 100 });
      const database = reader();
      for (const row of rows(250)) ledger.record(row);
      fireBatchTimer(1000);
      expect(storedCount(database)).toBe(100);
      ledger.record(ledgerRow());
      vi.advanceTimersToNextTimer();
      expect(storedCount(database)).toBe(200);
      vi.advanceTimersToNextTimer();
      expect(storedCount(database)).toBe(250);
      expect(ledger.stats().pendingRows).toBe(1);
      vi.advanceTimersByTime(1000);
      expect(storedCount(database)).toBe(251);
      expect(distinctRequestIds(database)).toBe(251);
    });

    it('starts another flush at once when maxBatchRows more rows arrived during one', () => {
      useFakeTimers();
      const counting = countingDriver(driver);
      const ledger = open({
        loadDriver: counting.load,
        batchIntervalInMs: 3_600_000,
        maxBatchRows: 300,
        maxRowsPerTransaction: 200,
      });
      const database = reader();
      for (const row of rows(300)) ledger.record(row);
      vi.advanceTimersToNextTimer();
      expect(storedCount(database)).toBe(200);
      for (const row of rows(300)) ledger.record(row);
      stepUntilWritten(ledger);
      expect(counting.commits).toEqual([200, 100, 200, 100]);
      expect(distinctRequestIds(database)).toBe(600);
    });

    it('writes everything in one transaction on flush() during a background flush, and nothing twice', () => {
      useFakeTimers();
      const counting = countingDriver(driver);
      const ledger = open({ loadDriver: counting.load, batchIntervalInMs: 1000, maxRowsPerTransaction: 100 });
      const database = reader();
      for (const row of rows(350)) ledger.record(row);
      fireBatchTimer(1000);
      expect(storedCount(database)).toBe(100);
      for (const row of rows(20)) ledger.record(row);
      ledger.flush();
      expect(storedCount(database)).toBe(370);
      expect(counting.commits).toEqual([100, 270]);
      vi.advanceTimersByTime(10_000);
      expect(storedCount(database)).toBe(370);
      expect(ledger.stats()).toEqual({ pendingRows: 0, writtenRows: 370, droppedRows: 0 });
    });

    it('answers reports with every recorded row while a background flush is under way', () => {
      useFakeTimers();
      const ledger = open({ batchIntervalInMs: 1000, maxRowsPerTransaction: 100 });
      for (const row of rows(450)) ledger.record(row);
      fireBatchTimer(1000);
      expect(ledger.stats().pendingRows).toBe(350);
      const [total] = ledger.query({ sinceInMs: 0, by: 'provider' });
      expect(total?.requests).toBe(450);
      expect(ledger.spend({ scope: 'provider', name: 'anthropic', sinceInMs: 0 }).costUsd).toBeCloseTo(4.5);
    });

    it('writes the rest of a background flush on close()', () => {
      useFakeTimers();
      const path = join(fixture.directory, 'ledger.db');
      const ledger = open({ batchIntervalInMs: 1000, maxRowsPerTransaction: 100 });
      for (const row of rows(450)) ledger.record(row);
      fireBatchTimer(1000);
      ledger.record(ledgerRow());
      ledger.close();
      expect(vi.getTimerCount()).toBe(0);
      expect(storedCount(reader(path))).toBe(451);
    });

    it('keeps the rows of a failed transaction and those after it, writes them on the next flush, and none twice', () => {
      useFakeTimers();
      const onError = vi.fn();
      const ledger = open({ batchIntervalInMs: 1000, maxRowsPerTransaction: 100, onError });
      const saboteur = reader();
      for (const row of rows(300)) ledger.record(row);
      fireBatchTimer(1000);
      expect(storedCount(saboteur)).toBe(100);
      saboteur.exec('ALTER TABLE requests RENAME TO requests_away');
      ledger.record(ledgerRow());
      vi.advanceTimersToNextTimer();
      expect(onError).toHaveBeenCalledTimes(1);
      expect(onError.mock.calls[0]?.[0]).toMatchObject({
        code: 'CCB_LEDGER_WRITE_FAILED',
        message: expect.stringContaining('201 rows kept for the next flush'),
      });
      expect(ledger.stats()).toEqual({ pendingRows: 201, writtenRows: 100, droppedRows: 0 });
      saboteur.exec('ALTER TABLE requests_away RENAME TO requests');
      stepUntilWritten(ledger);
      expect(storedCount(saboteur)).toBe(301);
      expect(distinctRequestIds(saboteur)).toBe(301);
    });

    it('keeps the newest maxPendingRows when a background transaction fails', () => {
      useFakeTimers();
      const onError = vi.fn();
      const ledger = open({
        batchIntervalInMs: 1000,
        maxRowsPerTransaction: 100,
        maxPendingRows: 150,
        onError,
      });
      const saboteur = reader();
      saboteur.exec('ALTER TABLE requests RENAME TO requests_away');
      const recorded = rows(300);
      for (const row of recorded) ledger.record(row);
      vi.advanceTimersByTime(1000);
      expect(ledger.stats()).toEqual({ pendingRows: 150, writtenRows: 0, droppedRows: 150 });
      saboteur.exec('ALTER TABLE requests_away RENAME TO requests');
      ledger.flush();
      const stored = saboteur.prepare('SELECT request_id FROM requests ORDER BY id').all();
      expect(stored.map((row) => row.request_id)).toEqual(recorded.slice(150).map((row) => row.requestId));
    });
  });
});
