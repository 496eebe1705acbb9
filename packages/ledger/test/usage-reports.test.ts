import { describe, expect, it } from 'vitest';
import { asUsageLedger, type UsageLedger } from '../src/index.js';
import { useLedgerFixture } from './_ledger-fixture.js';
import { postgresSkip, usePostgresFixture } from './_postgres-fixture.js';
import { ledgerRow } from './ledger-rows.js';
import { sqliteDrivers } from './sqlite-drivers.js';

/** One store the report table runs against: `setup` registers its hooks and returns how to open a ledger. */
interface Backend {
  readonly name: string;
  readonly skip: string | undefined;
  readonly setup: () => () => UsageLedger;
}

const backends: readonly Backend[] = [
  ...sqliteDrivers.map((driver) => ({
    name: `SQLite (${driver.name})`,
    skip: undefined,
    setup: () => {
      const fixture = useLedgerFixture(driver);
      return () => asUsageLedger(fixture.open({ path: ':memory:' }), ':memory:');
    },
  })),
  {
    name: 'Postgres',
    skip: postgresSkip,
    setup: () => {
      const fixture = usePostgresFixture();
      return () => fixture.open();
    },
  },
];

const day1 = Date.UTC(2026, 10, 28, 23, 59);
const day2 = Date.UTC(2026, 10, 29, 0, 1);

/** Four requests over two UTC days, two providers (and one unserved), two keys, two sessions and none. */
function fill(ledger: UsageLedger): UsageLedger {
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

// One table of report cases for every store: `ccb usage` must answer the same from SQLite and from Postgres.
describe.each(backends)('usage reports on $name', ({ skip, setup }) => {
  describe.skipIf(skip !== undefined)('reports', () => {
    const open = setup();
    const filled = () => fill(open());

    it('groups by provider, most expensive first, with unserved requests under null', async () => {
      const rows = await filled().query({ sinceInMs: 0, by: 'provider' });
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

    it('groups by the model sent, else the model requested', async () => {
      const rows = await filled().query({ sinceInMs: 0, by: 'model' });
      expect(rows.map((row) => [row.key, row.requests])).toEqual([
        ['claude-sonnet-4-6', 2],
        ['claude-opus-4-6', 1],
        ['claude-haiku-4-5', 1],
      ]);
    });

    it('groups by UTC day, oldest first', async () => {
      const rows = await filled().query({ sinceInMs: 0, by: 'day' });
      expect(rows.map((row) => [row.key, row.requests, row.costUsd])).toEqual([
        ['2026-11-28', 1, 1],
        ['2026-11-29', 3, 7],
      ]);
    });

    it('groups by client key and by session, the null group first among equals', async () => {
      const ledger = filled();
      const byKey = await ledger.query({ sinceInMs: 0, by: 'key' });
      expect(byKey.map((row) => [row.key, row.costUsd])).toEqual([
        ['key-a', 6],
        ['key-b', 2],
      ]);
      const bySession = await ledger.query({ sinceInMs: 0, by: 'session' });
      expect(bySession.map((row) => [row.key, row.costUsd])).toEqual([
        [null, 5],
        ['s1', 3],
        ['s2', 0],
      ]);
    });

    it('orders equal groups by key in byte order, as SQLite compares text', async () => {
      const ledger = open();
      for (const provider of ['b', 'B', 'a', '_']) ledger.record(ledgerRow({ provider, costUsd: 1 }));
      const rows = await ledger.query({ sinceInMs: 0, by: 'provider' });
      expect(rows.map((row) => row.key)).toEqual(['B', '_', 'a', 'b']);
    });

    it('limits a report to [sinceInMs, untilInMs)', async () => {
      const ledger = filled();
      expect((await ledger.query({ sinceInMs: day2, by: 'day' })).map((row) => row.key)).toEqual([
        '2026-11-29',
      ]);
      const before = await ledger.query({ sinceInMs: 0, untilInMs: day2, by: 'day' });
      expect(before.map((row) => row.key)).toEqual(['2026-11-28']);
      expect(await ledger.query({ sinceInMs: day2 + 1, by: 'provider' })).toEqual([]);
    });

    it('sums the spend of one provider or key in a range, in USD and tokens', async () => {
      const ledger = filled();
      expect(await ledger.spend({ scope: 'provider', name: 'anthropic', sinceInMs: 0 })).toEqual({
        costUsd: 3,
        tokens: 600,
      });
      expect(await ledger.spend({ scope: 'key', name: 'key-a', sinceInMs: 0 })).toEqual({
        costUsd: 6,
        tokens: 1600,
      });
      expect(
        await ledger.spend({ scope: 'key', name: 'key-a', sinceInMs: 0, untilInMs: Date.UTC(2026, 10, 29) }),
      ).toEqual({ costUsd: 1, tokens: 450 });
      expect(await ledger.spend({ scope: 'provider', name: 'nobody', sinceInMs: 0 })).toEqual({
        costUsd: 0,
        tokens: 0,
      });
    });

    it('counts rows written, and none pending after a report', async () => {
      const ledger = filled();
      await ledger.query({ sinceInMs: 0, by: 'provider' });
      expect(ledger.stats()).toEqual({ pendingRows: 0, writtenRows: 4, droppedRows: 0 });
    });
  });
});
