import { resolve } from 'node:path';
import type { Config } from '@ccb/config';
import {
  asUsageLedger,
  type BudgetsOptions,
  createLedger,
  createPostgresLedger,
  LedgerError,
  type SqliteDriver,
  type UsageLedger,
} from '@ccb/ledger';
import { budgetWindowStarts, type OpenedPostgresLedger, postgresLedgerOptions } from './postgres-ledger.js';

/** Where budgets read back the spend of their current windows: the SQLite ledger, or a Postgres snapshot. */
export type BudgetLedger = BudgetsOptions['ledger'];

/** What {@link openLedger} opened. */
export interface OpenedLedger {
  readonly ledger?: UsageLedger;
  /** Where budgets read back the spend of their current windows at creation. */
  readonly budgetLedger?: BudgetLedger;
  /**
   * Reads the spend of the current day and month again, up to `untilInMs` (a new Postgres snapshot; the SQLite ledger
   * itself): for budgets to refill a shared store that lost its counters.
   */
  readonly readSpend?: (untilInMs: number) => Promise<NonNullable<BudgetLedger>>;
  /** Why there is no ledger although `ledger.enabled` is true. */
  readonly ledgerUnavailable?: string;
}

/** What opening the ledger needs of the cost accounting's options. */
export interface OpenLedgerOptions {
  /** The folder a relative `ledger.path` is resolved against: the config file's. */
  readonly baseDir: string;
  readonly now?: () => number;
  readonly onError?: (error: unknown) => void;
  /** Loads the ledger's SQLite library. Default: the ledger's own (libsql, else node:sqlite). */
  readonly loadDriver?: () => SqliteDriver;
  /** With `ledger.url`: the Postgres ledger opened by `openPostgresLedger`, with the spend budgets restore. */
  readonly postgres?: OpenedPostgresLedger;
}

/**
 * Opens the ledger when it is enabled: the Postgres database of `ledger.url` (opened before, see
 * `openPostgresLedger`), else the SQLite file. Serving never depends on a SQLite library being installed: without
 * one the ledger is off, with the reason, and only what needs it (budgets, usage reports) is refused. A ledger file
 * that cannot be opened (a path that is not writable, a file that is not a ledger) is still a startup error to fix.
 */
export function openLedger(config: Config, options: OpenLedgerOptions): OpenedLedger {
  if (!config.ledger.enabled) return {};
  const url = config.ledger.url;
  if (url !== undefined) {
    const postgres = options.postgres ?? {
      ledger: createPostgresLedger(postgresLedgerOptions({ ...config.ledger, url }, options)),
      spend: undefined,
    };
    return {
      ledger: postgres.ledger,
      ...(postgres.spend !== undefined ? { budgetLedger: postgres.spend } : {}),
      readSpend: (untilInMs) => {
        return postgres.ledger.spendSnapshot({ windowStartsInMs: budgetWindowStarts(untilInMs), untilInMs });
      },
    };
  }
  const path = ledgerPath(config.ledger, options.baseDir);
  try {
    const sqlite = createLedger({
      path,
      batchIntervalInMs: config.ledger.batch_interval,
      retentionDays: config.ledger.retention / 86_400_000,
      ...(options.now !== undefined ? { now: options.now } : {}),
      ...(options.onError !== undefined ? { onError: options.onError } : {}),
      ...(options.loadDriver !== undefined ? { loadDriver: options.loadDriver } : {}),
    });
    // Budgets read the SQLite ledger itself: its `spend` answers synchronously.
    return {
      ledger: asUsageLedger(sqlite, path),
      budgetLedger: sqlite,
      readSpend: async () => sqlite,
    };
  } catch (error) {
    if (LedgerError.is(error, 'CCB_LEDGER_DRIVER_UNAVAILABLE')) return { ledgerUnavailable: error.message };
    throw error;
  }
}

/** Where the ledger lives: `ledger.path` relative to the config file's folder (`:memory:` stays in memory). */
export function ledgerPath(ledger: Config['ledger'], baseDir: string): string {
  return ledger.path === ':memory:' ? ':memory:' : resolve(baseDir, ledger.path);
}
