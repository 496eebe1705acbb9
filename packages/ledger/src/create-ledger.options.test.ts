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
