import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { noon, useLedgerFixture } from '../test/_ledger-fixture.js';
import { ledgerRow } from '../test/ledger-rows.js';
import { sqliteDrivers } from '../test/sqlite-drivers.js';
import { keySpendSql, providerSpendSql } from './_usage-sql.js';
import { createBudgets } from './create-budgets.js';
import type { Ledger } from './create-ledger.js';

describe.each(sqliteDrivers)('createLedger on $name', (driver) => {
  const fixture = useLedgerFixture(driver);
  const { open, reader } = fixture;

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
      const withoutBudgets = join(fixture.directory, 'other.db');
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
});
