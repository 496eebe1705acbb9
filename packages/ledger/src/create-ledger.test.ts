import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ledgerRow } from '../test/ledger-rows.js';
import { sqliteDrivers } from '../test/sqlite-drivers.js';
import { keySpendSql, providerSpendSql } from './_usage-sql.js';
import { createBudgets } from './create-budgets.js';
import { createLedger, type Ledger } from './create-ledger.js';
import { LedgerError } from './ledger-error.js';
import type { SqliteDatabase } from './sqlite-driver.js';

const dayInMs = 86_400_000;
const noon = Date.UTC(2026, 10, 29, 12);

describe.each(sqliteDrivers)('createLedger on $name', (driver) => {
  let directory: string;
  const opened: Ledger[] = [];
  const readers: SqliteDatabase[] = [];

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'ccb-ledger-'));
  });

  afterEach(() => {
    vi.useRealTimers();
    for (const ledger of opened.splice(0)) ledger.close();
    for (const reader of readers.splice(0)) reader.close();
    rmSync(directory, { recursive: true, force: true });
  });

  function open(options: Partial<Parameters<typeof createLedger>[0]> = {}): Ledger {
    const ledger = createLedger({
      path: join(directory, 'ledger.db'),
      now: () => noon,
      loadDriver: driver.load,
      ...options,
    });
    opened.push(ledger);
    return ledger;
  }

  /** A second connection, as `ccb usage` would open while the proxy runs. */
  function reader(path = join(directory, 'ledger.db')): SqliteDatabase {
    const database = driver.load().open(path);
    readers.push(database);
    return database;
  }

  function storedCount(database: SqliteDatabase): number {
    return (database.prepare('SELECT COUNT(*) AS count FROM requests').get() as { count: number }).count;
  }

  function useFakeTimers(): void {
    vi.useFakeTimers({
      toFake: [
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'setImmediate',
        'clearImmediate',
      ],
    });
  }

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
      const path = join(directory, 'ledger.db');
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
        path: join(directory, 'ledger.db'),
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

  describe('createLedger reports', () => {
    function filled(): Ledger {
      const ledger = open({ path: ':memory:' });
      const day1 = Date.UTC(2026, 10, 28, 23, 59);
      const day2 = Date.UTC(2026, 10, 29, 0, 1);
      ledger.record(
        ledgerRow({
          time: day1,
          provider: 'anthropic',
          clientKeyId: 'key-a',
          sessionId: 's1',
          costUsd: 1,
          inputTokens: 100,
          cacheReadInputTokens: 300,
        }),
      );
      ledger.record(
        ledgerRow({
          time: day2,
          provider: 'anthropic',
          clientKeyId: 'key-b',
          sessionId: 's1',
          costUsd: 2,
          modelSent: 'claude-opus-4-6',
        }),
      );
      ledger.record(
        ledgerRow({
          time: day2,
          provider: 'reseller',
          clientKeyId: 'key-a',
          sessionId: null,
          costUsd: 5,
          cacheCreationInputTokens: 1000,
        }),
      );
      ledger.record(
        ledgerRow({
          time: day2,
          provider: null,
          clientKeyId: 'key-b',
          sessionId: 's2',
          modelSent: null,
          modelRequested: 'claude-haiku-4-5',
          costUsd: 0,
          status: 503,
          inputTokens: 0,
          outputTokens: 0,
        }),
      );
      return ledger;
    }

    it('groups by provider, most expensive first, with unserved requests under null', () => {
      const rows = filled().query({ sinceInMs: 0, by: 'provider' });
      expect(rows.map((row) => [row.key, row.requests, row.costUsd])).toEqual([
        ['reseller', 1, 5],
        ['anthropic', 2, 3],
        [null, 1, 0],
      ]);
      expect(rows[1]).toMatchObject({
        inputTokens: 200,
        outputTokens: 100,
        cacheReadInputTokens: 300,
        cacheCreationInputTokens: 0,
      });
      expect(rows[1]?.cacheHitRate).toBeCloseTo(300 / 500, 9);
    });

    it('groups by the model sent, else the model requested', () => {
      const rows = filled().query({ sinceInMs: 0, by: 'model' });
      expect(rows.map((row) => [row.key, row.requests])).toEqual([
        ['claude-sonnet-4-6', 2],
        ['claude-opus-4-6', 1],
        ['claude-haiku-4-5', 1],
      ]);
    });

    it('groups by UTC day, oldest first', () => {
      const rows = filled().query({ sinceInMs: 0, by: 'day' });
      expect(rows.map((row) => [row.key, row.requests, row.costUsd])).toEqual([
        ['2026-11-28', 1, 1],
        ['2026-11-29', 3, 7],
      ]);
    });

    it('groups by client key and by session', () => {
      const ledger = filled();
      expect(ledger.query({ sinceInMs: 0, by: 'key' }).map((row) => [row.key, row.costUsd])).toEqual([
        ['key-a', 6],
        ['key-b', 2],
      ]);
      expect(ledger.query({ sinceInMs: 0, by: 'session' }).map((row) => [row.key, row.costUsd])).toEqual([
        [null, 5],
        ['s1', 3],
        ['s2', 0],
      ]);
    });

    it('limits a report to [sinceInMs, untilInMs)', () => {
      const ledger = filled();
      const day2 = Date.UTC(2026, 10, 29, 0, 1);
      expect(ledger.query({ sinceInMs: day2, by: 'day' }).map((row) => row.key)).toEqual(['2026-11-29']);
      expect(ledger.query({ sinceInMs: 0, untilInMs: day2, by: 'day' }).map((row) => row.key)).toEqual([
        '2026-11-28',
      ]);
      expect(ledger.query({ sinceInMs: day2 + 1, by: 'provider' })).toEqual([]);
    });

    const indexes = (path?: string) =>
      reader(path)
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'requests' ORDER BY name",
        )
        .all()
        .map((row) => (row as { name: string }).name);
    const planOf = (sql: string) =>
      reader()
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all('x', 0, 1)
        .map((row) => (row as { detail: string }).detail)
        .join(' ');

    it('creates the indexes of spend queries with the first such query, and its queries use them', () => {
      const ledger = open();
      ledger.record(ledgerRow({ time: noon, provider: 'anthropic', clientKeyId: 'key-a', costUsd: 6 }));
      ledger.flush();
      expect(indexes()).toEqual(['requests_time']);
      expect(ledger.spend({ scope: 'key', name: 'key-a', sinceInMs: 0 }).costUsd).toBe(6);
      expect(indexes()).toEqual(['requests_key_time', 'requests_provider_time', 'requests_time']);
      expect(planOf(providerSpendSql)).toContain('requests_provider_time');
      expect(planOf(keySpendSql)).toContain('requests_key_time');
    });

    it('has budgets build those indexes at setup, even when no spend is read back yet (a "*" key budget)', () => {
      const ledger = open();
      createBudgets({ budgets: [{ scope: 'key', name: '*', dailyUsd: 1 }], ledger, now: () => noon });
      expect(indexes()).toEqual(['requests_key_time', 'requests_provider_time', 'requests_time']);
      const withoutBudgets = join(directory, 'other.db');
      createBudgets({ budgets: [], ledger: open({ path: withoutBudgets }), now: () => noon });
      expect(indexes(withoutBudgets)).toEqual(['requests_time']);
    });

    it('sums the spend of one provider or key in a range, in USD and tokens', () => {
      const ledger = filled();
      expect(ledger.spend({ scope: 'provider', name: 'anthropic', sinceInMs: 0 })).toEqual({
        costUsd: 3,
        tokens: 600,
      });
      expect(ledger.spend({ scope: 'key', name: 'key-a', sinceInMs: 0 })).toEqual({
        costUsd: 6,
        tokens: 1600,
      });
      expect(
        ledger.spend({ scope: 'key', name: 'key-a', sinceInMs: 0, untilInMs: Date.UTC(2026, 10, 29) }),
      ).toEqual({ costUsd: 1, tokens: 450 });
      expect(ledger.spend({ scope: 'provider', name: 'nobody', sinceInMs: 0 })).toEqual({
        costUsd: 0,
        tokens: 0,
      });
    });
  });

  describe('createLedger options', () => {
    it.each([
      [{ path: 42 }, 'path'],
      [{ path: ':memory:', batchIntervalInMs: 0 }, 'batchIntervalInMs'],
      [{ path: ':memory:', retentionDays: -1 }, 'retentionDays'],
      [{ path: ':memory:', maxBatchRows: 1.5 }, 'maxBatchRows'],
    ])('rejects invalid options with CCB_LEDGER_INVALID_OPTIONS naming the field (%#)', (options, field) => {
      expect(() => createLedger({ loadDriver: driver.load, ...options } as never)).toThrow(
        expect.objectContaining({
          code: 'CCB_LEDGER_INVALID_OPTIONS',
          message: expect.stringContaining(field),
        }),
      );
    });

    it('rejects a report by an unknown dimension with CCB_LEDGER_INVALID_OPTIONS', () => {
      const ledger = open({ path: ':memory:' });
      expect(() => ledger.query({ sinceInMs: 0, by: 'team' as never })).toThrow(
        expect.objectContaining({
          code: 'CCB_LEDGER_INVALID_OPTIONS',
          message: expect.stringContaining('team'),
        }),
      );
    });

    it('fails with CCB_LEDGER_OPEN_FAILED when the path is not a database', () => {
      const path = join(directory, 'not-a-db');
      writeFileSync(path, 'this is not SQLite '.repeat(100));
      expect(() => createLedger({ path, loadDriver: driver.load })).toThrow(
        expect.objectContaining({ code: 'CCB_LEDGER_OPEN_FAILED' }),
      );
    });

    it('refuses a file written by a newer schema with CCB_LEDGER_OPEN_FAILED', () => {
      const path = join(directory, 'future.db');
      const database = driver.load().open(path);
      database.exec('PRAGMA user_version = 99');
      database.close();
      expect(() => createLedger({ path, loadDriver: driver.load })).toThrow(
        expect.objectContaining({
          code: 'CCB_LEDGER_OPEN_FAILED',
          message: expect.stringContaining('upgrade ccb'),
        }),
      );
    });

    it('creates the directory of a new ledger file', () => {
      const ledger = open({ path: join(directory, 'nested', 'deeper', 'ledger.db') });
      ledger.record(ledgerRow());
      ledger.flush();
      expect(storedCount(reader(join(directory, 'nested', 'deeper', 'ledger.db')))).toBe(1);
    });
  });
});

describe('createLedger and its SQLite library', () => {
  it('loads the library when the ledger opens, once per ledger', () => {
    const [first] = sqliteDrivers;
    const loadDriver = vi.fn(() => (first as (typeof sqliteDrivers)[number]).load());
    const ledger = createLedger({ path: ':memory:', loadDriver });
    expect(loadDriver).toHaveBeenCalledTimes(1);
    ledger.record(ledgerRow());
    expect(ledger.query({ sinceInMs: 0, by: 'provider' })).toHaveLength(1);
    ledger.close();
    expect(loadDriver).toHaveBeenCalledTimes(1);
  });

  it('passes CCB_LEDGER_DRIVER_UNAVAILABLE on as it is, so that a caller can run without a ledger', () => {
    const unavailable = new LedgerError('CCB_LEDGER_DRIVER_UNAVAILABLE', 'No SQLite library could be loaded');
    expect(() =>
      createLedger({
        path: ':memory:',
        loadDriver: () => {
          throw unavailable;
        },
      }),
    ).toThrow(unavailable);
  });
});
