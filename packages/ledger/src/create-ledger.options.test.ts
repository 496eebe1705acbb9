import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { storedCount, useLedgerFixture } from '../test/_ledger-fixture.js';
import { ledgerRow } from '../test/ledger-rows.js';
import { sqliteDrivers } from '../test/sqlite-drivers.js';
import { createLedger } from './create-ledger.js';
import { LedgerError } from './ledger-error.js';

describe.each(sqliteDrivers)('createLedger on $name', (driver) => {
  const fixture = useLedgerFixture(driver);
  const { open, reader } = fixture;

  describe('createLedger options', () => {
    it.each([
      [{ path: 42 }, 'path'],
      [{ path: ':memory:', batchIntervalInMs: 0 }, 'batchIntervalInMs'],
      [{ path: ':memory:', retentionDays: -1 }, 'retentionDays'],
      [{ path: ':memory:', maxBatchRows: 1.5 }, 'maxBatchRows'],
      [{ path: ':memory:', maxRowsPerTransaction: 0 }, 'maxRowsPerTransaction'],
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
      const path = join(fixture.directory, 'not-a-db');
      writeFileSync(path, 'this is not SQLite '.repeat(100));
      expect(() => createLedger({ path, loadDriver: driver.load })).toThrow(
        expect.objectContaining({ code: 'CCB_LEDGER_OPEN_FAILED' }),
      );
    });

    it('refuses a file written by a newer schema with CCB_LEDGER_OPEN_FAILED', () => {
      const path = join(fixture.directory, 'future.db');
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

    it('upgrades a version 2 file in place: old rows keep their own call, new ones say how they were answered', () => {
      const path = join(fixture.directory, 'v2.db');
      const database = driver.load().open(path);
      database.exec(`CREATE TABLE requests (
        id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, request_id TEXT NOT NULL, client_key_id TEXT NOT NULL,
        session_id TEXT, provider TEXT, model_requested TEXT, model_sent TEXT, status INTEGER NOT NULL,
        attempts INTEGER NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
        cache_creation_input_tokens INTEGER NOT NULL, cache_read_input_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL,
        duration_ms REAL NOT NULL, ttfb_ms REAL, stream INTEGER NOT NULL, output_estimated INTEGER NOT NULL DEFAULT 0);
        INSERT INTO requests VALUES (1, ${Date.now()}, 'old', '', NULL, 'a', 'm', 'm', 200, 1, 1, 1, 0, 0, 0.1, 5, NULL, 0, 0);
        PRAGMA user_version = 2;`);
      database.close();
      const ledger = open({ path });
      ledger.record(ledgerRow({ requestId: 'joined', dedup: 'joined', costUsd: 0 }));
      ledger.flush();
      const rows = reader(path).prepare('SELECT request_id, dedup FROM requests ORDER BY id').all();
      expect(rows).toEqual([
        { request_id: 'old', dedup: null },
        { request_id: 'joined', dedup: 'joined' },
      ]);
      expect(reader(path).prepare('PRAGMA user_version').get()).toMatchObject({ user_version: 3 });
    });

    it('creates the directory of a new ledger file', () => {
      const ledger = open({ path: join(fixture.directory, 'nested', 'deeper', 'ledger.db') });
      ledger.record(ledgerRow());
      ledger.flush();
      expect(storedCount(reader(join(fixture.directory, 'nested', 'deeper', 'ledger.db')))).toBe(1);
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
