import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { noon, storedCount, useFakeTimers, useLedgerFixture } from '../test/_ledger-fixture.js';
import { ledgerRow } from '../test/ledger-rows.js';
import { sqliteDrivers } from '../test/sqlite-drivers.js';
import { createLedger } from './create-ledger.js';
import { LedgerError } from './ledger-error.js';

const dayInMs = 86_400_000;

describe.each(sqliteDrivers)('createLedger on $name', (driver) => {
  const fixture = useLedgerFixture(driver);
  const { open, reader } = fixture;

  describe('createLedger writing', () => {
    it('stores streaming and non-streaming rows with every field', () => {
      const ledger = open();
      ledger.record(ledgerRow({ requestId: 'req_stream', stream: true, cacheReadInputTokens: 9000 }));
      ledger.record(
        ledgerRow({
          requestId: 'req_plain',
          stream: false,
          sessionId: null,
          provider: null,
          modelSent: null,
          status: 529,
          attempts: 3,
          timeToFirstByteInMs: null,
          costUsd: 0,
        }),
      );
      ledger.flush();
      const rows = reader().prepare('SELECT * FROM requests ORDER BY id').all();
      expect(rows).toEqual([
        expect.objectContaining({
          request_id: 'req_stream',
          time_ms: noon,
          client_key_id: 'key-a',
          session_id: 'session-1',
          provider: 'anthropic',
          model_requested: 'claude-sonnet-4-6',
          model_sent: 'claude-sonnet-4-6',
          status: 200,
          attempts: 1,
          input_tokens: 100,
          output_tokens: 50,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 9000,
          cost_usd: 0.01,
          duration_ms: 1200,
          ttfb_ms: 300,
          stream: 1,
        }),
        expect.objectContaining({
          request_id: 'req_plain',
          session_id: null,
          provider: null,
          model_sent: null,
          status: 529,
          attempts: 3,
          ttfb_ms: null,
          stream: 0,
        }),
      ]);
    });

    it('uses WAL mode so that reports read while the proxy writes', () => {
      open();
      expect(reader().prepare('PRAGMA journal_mode').get()?.journal_mode).toBe('wal');
    });

    it('writes nothing before the batch interval and every row after it', () => {
      useFakeTimers();
      const ledger = open({ batchIntervalInMs: 1000 });
      const database = reader();
      ledger.record(ledgerRow());
      ledger.record(ledgerRow());
      vi.advanceTimersByTime(500);
      ledger.record(ledgerRow());
      expect(storedCount(database)).toBe(0);
      vi.advanceTimersByTime(499);
      expect(storedCount(database)).toBe(0);
      vi.advanceTimersByTime(1);
      expect(storedCount(database)).toBe(3);
    });

    it('flushes on the next turn once maxBatchRows rows wait, never inside record', () => {
      useFakeTimers();
      const ledger = open({ batchIntervalInMs: 60_000, maxBatchRows: 3 });
      const database = reader();
      for (let index = 0; index < 3; index++) ledger.record(ledgerRow());
      expect(storedCount(database)).toBe(0);
      vi.advanceTimersByTime(0);
      expect(storedCount(database)).toBe(3);
    });

    it('writes queued rows on flush() and on close()', () => {
      const ledger = open({ batchIntervalInMs: 60_000 });
      const database = reader();
      ledger.record(ledgerRow());
      ledger.flush();
      expect(storedCount(database)).toBe(1);
      ledger.record(ledgerRow());
      ledger.close();
      expect(storedCount(database)).toBe(2);
    });

    it('refuses use after close with CCB_LEDGER_CLOSED and closes twice quietly', () => {
      const ledger = open();
      ledger.close();
      expect(() => ledger.close()).not.toThrow();
      for (const use of [
        () => ledger.record(ledgerRow()),
        () => ledger.flush(),
        () => ledger.query({ sinceInMs: 0, by: 'provider' }),
        () => ledger.prune(),
      ]) {
        expect(use).toThrow(expect.objectContaining({ code: 'CCB_LEDGER_CLOSED' }));
      }
    });

    it('keeps the rows of a failed batch and writes them on the next flush', () => {
      useFakeTimers();
      const onError = vi.fn();
      const path = join(fixture.directory, 'ledger.db');
      const ledger = open({ batchIntervalInMs: 100, onError });
      const saboteur = reader(path);
      saboteur.exec('ALTER TABLE requests RENAME TO requests_away');
      ledger.record(ledgerRow());
      ledger.record(ledgerRow());
      vi.advanceTimersByTime(100);
      expect(onError).toHaveBeenCalledTimes(1);
      expect(LedgerError.is(onError.mock.calls[0]?.[0], 'CCB_LEDGER_WRITE_FAILED')).toBe(true);
      saboteur.exec('ALTER TABLE requests_away RENAME TO requests');
      vi.advanceTimersByTime(100);
      expect(storedCount(saboteur)).toBe(2);
    });
  });

  describe('createLedger retention', () => {
    function seed(times: readonly number[]): void {
      const ledger = createLedger({
        path: join(fixture.directory, 'ledger.db'),
        now: () => 0,
        retentionDays: Infinity,
        loadDriver: driver.load,
      });
      for (const time of times) ledger.record(ledgerRow({ time }));
      ledger.close();
    }

    it('deletes rows older than retentionDays when it opens', () => {
      seed([noon - 31 * dayInMs, noon - 30 * dayInMs - 1, noon - 30 * dayInMs, noon - dayInMs]);
      open({ retentionDays: 30 });
      const times = reader()
        .prepare('SELECT time_ms FROM requests ORDER BY time_ms')
        .all()
        .map((row) => row.time_ms);
      expect(times).toEqual([noon - 30 * dayInMs, noon - dayInMs]);
    });

    it('prunes again every hour by the clock it was given', () => {
      useFakeTimers();
      seed([noon - 2 * dayInMs, noon - dayInMs / 2]);
      let now = noon;
      open({ retentionDays: 1, now: () => now });
      const database = reader();
      expect(storedCount(database)).toBe(1);
      now = noon + dayInMs;
      vi.advanceTimersByTime(3_600_000);
      expect(storedCount(database)).toBe(0);
    });

    it('reports how many rows prune() deleted', () => {
      seed([noon - 10 * dayInMs, noon - 9 * dayInMs, noon]);
      let now = noon;
      const ledger = open({ retentionDays: 30, now: () => now });
      now = noon + 25 * dayInMs;
      expect(ledger.prune()).toBe(2);
      expect(ledger.prune()).toBe(0);
    });
  });
});
