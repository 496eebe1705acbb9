import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import { createLedger, type Ledger, type SqliteDatabase } from '../src/index.js';
import type { DriverUnderTest } from './sqlite-drivers.js';

/** The clock of the ledgers `open` makes, unless a test gives its own. */
export const noon = Date.UTC(2026, 10, 29, 12);

/** What a `createLedger` suite on one SQLite library works with; see `useLedgerFixture`. */
export interface LedgerFixture {
  /** A fresh temporary directory for each test, removed after it. */
  readonly directory: string;
  /** A ledger at `<directory>/ledger.db` on the suite's library, closed after the test. */
  open(options?: Partial<Parameters<typeof createLedger>[0]>): Ledger;
  /** A second connection, as `ccb usage` would open while the proxy runs. */
  reader(path?: string): SqliteDatabase;
}

/**
 * Registers the hooks of a `createLedger` suite on one SQLite library (call it in the `describe` body): a fresh
 * directory per test; every ledger and reader closed, the directory removed and real timers restored after it.
 */
export function useLedgerFixture(driver: DriverUnderTest): LedgerFixture {
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

  function reader(path = join(directory, 'ledger.db')): SqliteDatabase {
    const database = driver.load().open(path);
    readers.push(database);
    return database;
  }

  return {
    get directory() {
      return directory;
    },
    open,
    reader,
  };
}

/** How many rows the `requests` table holds. */
export function storedCount(database: SqliteDatabase): number {
  return (database.prepare('SELECT COUNT(*) AS count FROM requests').get() as { count: number }).count;
}

/** Fakes the timers the ledger's batching and pruning use, leaving `Date` real. */
export function useFakeTimers(): void {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate'],
  });
}
