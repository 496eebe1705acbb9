import type { Ledger, SpendQuery, SpendTotals } from './create-ledger.js';
import type { LedgerRow, UsageQuery, UsageRow } from './ledger-row.js';
import type { LedgerWriteStats } from './ledger-write-stats.js';

/**
 * The ledger as the CLI uses it, whatever stores it: `record` queues without waiting, reads answer through a
 * promise (a database server may take a while; a SQLite file answers at once). {@link createPostgresLedger}
 * returns one; {@link asUsageLedger} wraps a SQLite {@link Ledger}.
 */
export interface UsageLedger {
  /** `sqlite` or `postgres`. */
  readonly backend: 'sqlite' | 'postgres';
  /** Where the rows live, safe to print: a file path, or `host:port/database` (never a password). */
  readonly location: string;
  /** Queues a row for the next batch; never waits and never throws for the store. @throws after `close()`. */
  record(row: LedgerRow): void;
  /** Writes what is queued now. @throws {LedgerError} `CCB_LEDGER_WRITE_FAILED` (the rows stay queued). */
  flush(): Promise<void>;
  /** Usage grouped by one dimension, most expensive first (`day`: oldest first). Writes what is queued first. */
  query(options: UsageQuery): Promise<UsageRow[]>;
  /** Total spend of one provider or client key in a range. Writes what is queued first. */
  spend(options: SpendQuery): Promise<SpendTotals>;
  /** Deletes rows older than the retention and returns how many. */
  prune(): Promise<number>;
  /** Queue counters: pending, written and dropped rows. */
  stats(): LedgerWriteStats;
  /** Writes what is queued (as far as the store lets it) and releases the file or connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * The {@link UsageLedger} face of a SQLite ledger: the same object underneath, its answers in resolved promises.
 * Budgets keep using the SQLite ledger itself, whose `spend` is synchronous.
 */
export function asUsageLedger(ledger: Ledger, location: string): UsageLedger {
  return {
    backend: 'sqlite',
    location,
    record: (row) => ledger.record(row),
    flush: async () => ledger.flush(),
    query: async (options) => ledger.query(options),
    spend: async (options) => ledger.spend(options),
    prune: async () => ledger.prune(),
    stats: () => ledger.stats(),
    close: async () => ledger.close(),
  };
}
