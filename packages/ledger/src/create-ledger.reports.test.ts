import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { noon, useLedgerFixture } from '../test/_ledger-fixture.js';
import { ledgerRow } from '../test/ledger-rows.js';
import { sqliteDrivers } from '../test/sqlite-drivers.js';
import { keySpendSql, providerSpendSql } from './_usage-sql.js';
import { createBudgets } from './create-budgets.js';

describe.each(sqliteDrivers)('createLedger on $name', (driver) => {
  const fixture = useLedgerFixture(driver);
  const { open, reader } = fixture;

  describe('createLedger reports', () => {
    // The report cases themselves run against every store in test/usage-reports.test.ts.
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
      const withoutBudgets = join(fixture.directory, 'other.db');
      createBudgets({ budgets: [], ledger: open({ path: withoutBudgets }), now: () => noon });
      expect(indexes(withoutBudgets)).toEqual(['requests_time']);
    });
  });
});
