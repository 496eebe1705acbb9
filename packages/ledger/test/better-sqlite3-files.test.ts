import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLedger } from '../src/index.js';
import { ledgerRow } from './ledger-rows.js';
import { sqliteDrivers } from './sqlite-drivers.js';

const fixtures = join(import.meta.dirname, 'fixtures');
let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'ccb-ledger-compat-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** A copy of a fixture (and its WAL, if it has one), since opening a ledger writes to it. */
function copyOf(name: string): string {
  const path = join(directory, 'ledger.sqlite');
  copyFileSync(join(fixtures, name), path);
  if (existsSync(join(fixtures, `${name}-wal`))) copyFileSync(join(fixtures, `${name}-wal`), `${path}-wal`);
  return path;
}

// The rows are listed in fixtures/README.md.
describe.each(sqliteDrivers)('a ledger written by better-sqlite3, opened with $name', (driver) => {
  it.each(['closed-by-better-sqlite3.sqlite', 'killed-by-better-sqlite3.sqlite'])(
    'reports every row of %s and takes new ones',
    (fixture) => {
      const path = copyOf(fixture);
      const open = () => createLedger({ path, retentionDays: Infinity, loadDriver: driver.load });
      const ledger = open();
      try {
        expect(
          ledger.query({ sinceInMs: 0, by: 'provider' }).map((row) => [row.key, row.requests, row.costUsd]),
        ).toEqual([
          ['anthropic', 3, 3.25],
          ['reseller', 1, 0.5],
          [null, 1, 0],
        ]);
        expect(ledger.query({ sinceInMs: 0, by: 'day' }).map((row) => [row.key, row.requests])).toEqual([
          ['2026-11-28', 3],
          ['2026-11-29', 2],
        ]);
        expect(ledger.query({ sinceInMs: 0, by: 'model' }).map((row) => row.key)).toEqual([
          'claude-opus-4-6',
          'claude-sonnet-4-6',
        ]);
        const [anthropic] = ledger.query({ sinceInMs: 0, by: 'provider' });
        expect(anthropic).toMatchObject({ inputTokens: 300, outputTokens: 150, cacheReadInputTokens: 2700 });
        expect(anthropic?.cacheHitRate).toBeCloseTo(0.9, 9);
        expect(
          ledger.spend({ scope: 'key', name: 'k-fixture-b', sinceInMs: Date.UTC(2026, 10, 29) }),
        ).toEqual({
          costUsd: 3,
          tokens: 2100,
        });
        ledger.record(ledgerRow({ time: Date.UTC(2026, 10, 30), provider: 'reseller', costUsd: 4 }));
      } finally {
        ledger.close();
      }
      const reopened = open();
      try {
        expect(reopened.query({ sinceInMs: 0, by: 'provider' })[0]).toMatchObject({
          key: 'reseller',
          costUsd: 4.5,
        });
      } finally {
        reopened.close();
      }
    },
  );

  it('gains the estimated-output and dedup columns (schema version 3), 0 and NULL for the rows it had, and keeps the flags of new ones', () => {
    const path = copyOf('closed-by-better-sqlite3.sqlite');
    const ledger = createLedger({ path, retentionDays: Infinity, loadDriver: driver.load });
    try {
      ledger.record(
        ledgerRow({ time: Date.UTC(2026, 10, 30), requestId: 'req_cancelled', outputEstimated: true }),
      );
    } finally {
      ledger.close();
    }
    const database = driver.load().open(path);
    try {
      expect(database.prepare('PRAGMA user_version').get()).toMatchObject({ user_version: 3 });
      const rows = database
        .prepare('SELECT request_id, output_estimated, dedup FROM requests ORDER BY id')
        .all() as {
        request_id: string;
        output_estimated: number;
        dedup: string | null;
      }[];
      expect(rows.slice(0, -1).every((row) => row.output_estimated === 0 && row.dedup === null)).toBe(true);
      expect(rows.at(-1)).toEqual({ request_id: 'req_cancelled', output_estimated: 1, dedup: null });
    } finally {
      database.close();
    }
  });
});
