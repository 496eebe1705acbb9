import { Counter, Gauge, type Registry } from 'prom-client';

/** What the usage ledger's write queue has done, as the metrics read it (the ledger's `stats()`). */
export interface LedgerStatsLike {
  /** Rows waiting to be written (a database that is slow or down makes this grow, up to the queue's bound). */
  readonly pendingRows: number;
  readonly writtenRows: number;
  /** Rows given up: the queue's bound was reached while the database was away, or the database refused them. */
  readonly droppedRows: number;
}

/**
 * Registers `ledger_rows_written_total`, `ledger_rows_dropped_total` and `ledger_rows_pending`, read at every
 * scrape: a ledger that falls behind or loses rows is seen before anyone asks why `ccb usage` is short.
 */
export function registerLedgerGauges(
  registry: Registry,
  prefix: string,
  stats: () => LedgerStatsLike | undefined,
): void {
  // Counters set from the ledger's own totals: `inc` by the difference keeps them monotonic per process.
  const totals = { written: 0, dropped: 0 };
  const follow = (counter: Counter, key: 'written' | 'dropped', now: number | undefined) => {
    if (now === undefined || now <= totals[key]) return;
    counter.inc(now - totals[key]);
    totals[key] = now;
  };
  new Counter({
    name: `${prefix}ledger_rows_written_total`,
    help: 'Usage rows the ledger wrote to its database.',
    registers: [registry],
    collect() {
      follow(this, 'written', stats()?.writtenRows);
    },
  });
  new Counter({
    name: `${prefix}ledger_rows_dropped_total`,
    help: 'Usage rows the ledger gave up on (its queue bound reached while the database was away, or rows the database refused).',
    registers: [registry],
    collect() {
      follow(this, 'dropped', stats()?.droppedRows);
    },
  });
  new Gauge({
    name: `${prefix}ledger_rows_pending`,
    help: 'Usage rows waiting to be written.',
    registers: [registry],
    collect() {
      this.set(stats()?.pendingRows ?? 0);
    },
  });
}
