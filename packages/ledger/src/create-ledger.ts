import { checkNumberOption } from './_check-option.js';
import { spendIndexStatements } from './_ledger-schema.js';
import { openLedgerDatabase } from './_open-ledger-database.js';
import { createSqliteBatches } from './_sqlite-batches.js';
import { type UsageSqlRow, usageSql } from './_usage-sql.js';
import { createWalCheckpointer, type WalCheckpoint, type WalCheckpointer } from './_wal-checkpointer.js';
import { causeMessage, LedgerError } from './ledger-error.js';
import {
  cacheHitRate,
  type LedgerRow,
  type UsageDimension,
  type UsageQuery,
  type UsageRow,
  usageDimensions,
} from './ledger-row.js';
import type { LedgerWriteStats } from './ledger-write-stats.js';
import { loadSqliteDriver } from './load-sqlite-driver.js';
import type { SqliteDriver, SqliteStatement } from './sqlite-driver.js';

/** Options of {@link createLedger}. */
export interface LedgerOptions {
  /** SQLite file (its directory is created when missing), or `':memory:'` for a ledger that dies with the process. */
  readonly path: string;
  /** How long recorded rows may wait in memory before a background flush writes them, in ms. Default 1000. */
  readonly batchIntervalInMs?: number;
  /** Rows older than this many days are deleted at open and then hourly. Default 30; `Infinity` keeps everything. */
  readonly retentionDays?: number;
  /** Clock for retention, in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Once this many rows wait, a flush runs on the next turn of the event loop (never inside `record`). Default 1000. */
  readonly maxBatchRows?: number;
  /** While writes fail, rows are kept for the next flush up to this many; the oldest beyond it are dropped. Default 100000. */
  readonly maxPendingRows?: number;
  /**
   * Background flushes write at most this many rows per transaction, one transaction per turn of the event loop: a
   * transaction holds the loop while it runs (~5 µs a row), and every request in flight waits. Default 200 (~1 ms).
   * `flush()`, `close()` and the reads that flush first write everything in one transaction.
   */
  readonly maxRowsPerTransaction?: number;
  /**
   * A worker thread checkpoints the WAL (copies it into the file) this often while rows were written, in ms, so that
   * SQLite's automatic checkpoint (11–15 ms inside a commit every ~12 600 rows) never holds the event loop. Default
   * 1000. Needs a driver that names its library (`SqliteDriver.module`: both built-in drivers do); otherwise, and for
   * `':memory:'`, SQLite checkpoints inside the commits as before.
   */
  readonly walCheckpointIntervalInMs?: number;
  /**
   * …and as soon as this many rows were written since the last checkpoint. It bounds the WAL file: ~330 bytes a row,
   * plus the rows written while a checkpoint runs. Default 2000 (~0.7 MB).
   */
  readonly walCheckpointRows?: number;
  /** Receives each checkpoint the worker ran (frames in the WAL, frames copied, its duration): for metrics and tests. */
  readonly onWalCheckpoint?: (checkpoint: WalCheckpoint) => void;
  /**
   * Receives failures of background flushes and prunes (`CCB_LEDGER_WRITE_FAILED`), and of the checkpoint worker
   * (`CCB_LEDGER_CHECKPOINT_FAILED`). Default: `process.emitWarning`.
   */
  readonly onError?: (error: LedgerError) => void;
  /**
   * Loads the SQLite library, once per ledger, when it opens (never when the package is imported). Default
   * {@link loadSqliteDriver}: libsql, else `node:sqlite` on Node.js ≥ 22.13. Tests inject one to refuse or
   * observe the load.
   */
  readonly loadDriver?: () => SqliteDriver;
}

/** Which spend {@link Ledger.spend} sums. */
export interface SpendQuery {
  readonly scope: 'provider' | 'key';
  /** Provider name, or client key fingerprint. */
  readonly name: string;
  /** Start, inclusive, ms since the epoch. */
  readonly sinceInMs: number;
  /** End, exclusive, ms since the epoch; default: no end. */
  readonly untilInMs?: number;
}

/** Summed spend: USD, and tokens as {@link usageTokens} counts them (input + cache writes + cache reads + output). */
export interface SpendTotals {
  readonly costUsd: number;
  readonly tokens: number;
}

/**
 * The usage and cost ledger. Synchronous: SQLite calls are fast, only flushes write, and background flushes write in
 * small transactions, one per turn of the event loop.
 */
export interface Ledger {
  /**
   * Queues a row; it is written by the next batch (within `batchIntervalInMs`). Never touches the disk, so the
   * request never waits for it. The row is kept by reference until then: do not mutate it.
   * @throws {LedgerError} `CCB_LEDGER_CLOSED` after `close()`.
   */
  record(row: LedgerRow): void;
  /**
   * Writes every queued row now, in one transaction, including those a background flush has not written yet.
   * @throws {LedgerError} `CCB_LEDGER_WRITE_FAILED` (the rows stay queued), `CCB_LEDGER_CLOSED`.
   */
  flush(): void;
  /** Usage grouped by one dimension, most expensive first (`day`: oldest first). Flushes first. */
  query(options: UsageQuery): UsageRow[];
  /** Total spend of one provider or client key in a range, e.g. to restore budget windows. Flushes first. */
  spend(options: SpendQuery): SpendTotals;
  /**
   * Creates the indexes `spend` queries use, if missing: once, at setup, so no request waits for it. A ledger
   * without budgets never needs them, and every insert would update them. `spend` calls it too.
   */
  prepareSpend(): void;
  /** Deletes rows older than `retentionDays` and returns how many. */
  prune(): number;
  /** Queue counters: rows pending, written, and dropped because writes failed past `maxPendingRows`. */
  stats(): LedgerWriteStats;
  /** Flushes, stops the timers and closes the file. Idempotent. Call it on shutdown: queued rows are lost otherwise. */
  close(): void;
}

const dayInMs = 86_400_000;
const pruneIntervalInMs = 3_600_000;

function defaultOnError(error: LedgerError): void {
  process.emitWarning(error);
}

/**
 * Opens (or creates) the ledger at `options.path`: WAL mode, an index on time, a prune at open. Rows are batched in
 * memory and written every `batchIntervalInMs` by an `unref`ed timer, in transactions of at most
 * `maxRowsPerTransaction` rows on successive turns of the event loop, so a crash loses at most the last interval.
 * A file's WAL is checkpointed by a worker thread with its own connection (see `walCheckpointIntervalInMs`).
 *
 * @throws {LedgerError} `CCB_LEDGER_INVALID_OPTIONS`, `CCB_LEDGER_DRIVER_UNAVAILABLE` (no SQLite library: the
 *   caller can run without a ledger), `CCB_LEDGER_OPEN_FAILED`.
 */
export function createLedger(options: LedgerOptions): Ledger {
  const where = 'createLedger';
  if (typeof options?.path !== 'string') {
    throw new LedgerError('CCB_LEDGER_INVALID_OPTIONS', `${where}: path must be a file path or ':memory:'`);
  }
  const batchIntervalInMs = checkNumberOption(where, 'batchIntervalInMs', options.batchIntervalInMs ?? 1000, {
    minimum: 0,
    exclusive: true,
  });
  const retentionDays = checkNumberOption(where, 'retentionDays', options.retentionDays ?? 30, {
    minimum: 0,
    exclusive: true,
    allowInfinity: true,
  });
  const maxBatchRows = checkNumberOption(where, 'maxBatchRows', options.maxBatchRows ?? 1000, {
    minimum: 1,
    integer: true,
  });
  const maxPendingRows = checkNumberOption(where, 'maxPendingRows', options.maxPendingRows ?? 100_000, {
    minimum: 1,
    integer: true,
  });
  const maxRowsPerTransaction = checkNumberOption(
    where,
    'maxRowsPerTransaction',
    options.maxRowsPerTransaction ?? 200,
    { minimum: 1, integer: true },
  );
  const walCheckpointIntervalInMs = checkNumberOption(
    where,
    'walCheckpointIntervalInMs',
    options.walCheckpointIntervalInMs ?? 1000,
    { minimum: 0, exclusive: true },
  );
  const walCheckpointRows = checkNumberOption(where, 'walCheckpointRows', options.walCheckpointRows ?? 2000, {
    minimum: 1,
    integer: true,
  });
  const now = options.now ?? Date.now;
  const onError = options.onError ?? defaultOnError;

  const driver = (options.loadDriver ?? loadSqliteDriver)();
  const { database, insertBatch, deleteOlder, providerSpend, keySpend } = openLedgerDatabase(
    options.path,
    driver,
  );
  let spendIndexed = false;
  const usageStatements = new Map<UsageDimension, SqliteStatement>();

  let closed = false;
  const inMemory = options.path === ':memory:' || options.path === '';
  const checkpointer: WalCheckpointer | undefined =
    inMemory || driver.module === undefined
      ? undefined
      : createWalCheckpointer({
          path: options.path,
          module: driver.module,
          database,
          intervalInMs: walCheckpointIntervalInMs,
          rowsPerCheckpoint: walCheckpointRows,
          ...(options.onWalCheckpoint === undefined ? {} : { onCheckpoint: options.onWalCheckpoint }),
          onError,
        });
  const batches = createSqliteBatches({
    insertBatch:
      checkpointer === undefined
        ? insertBatch
        : (rows) => {
            insertBatch(rows);
            checkpointer.written(rows.length);
          },
    location: options.path,
    batchIntervalInMs,
    maxBatchRows,
    maxPendingRows,
    maxRowsPerTransaction,
    onError,
  });

  function closedError(): LedgerError {
    return new LedgerError('CCB_LEDGER_CLOSED', `The ledger at ${options.path} is closed; create a new one.`);
  }

  function flush(): void {
    if (closed) throw closedError();
    batches.flush();
  }

  function prepareSpend(): void {
    if (spendIndexed) return;
    database.exec(spendIndexStatements);
    spendIndexed = true;
  }

  function flushBeforeReading(): void {
    try {
      flush();
    } catch (error) {
      if (LedgerError.is(error, 'CCB_LEDGER_CLOSED')) throw error;
      // The report still answers from what is on disk; the failure goes where background failures go.
      onError(error as LedgerError);
    }
  }

  function queryFailed(what: string, cause: unknown): LedgerError {
    const reason = causeMessage(cause);
    return new LedgerError(
      'CCB_LEDGER_QUERY_FAILED',
      `Cannot read ${what} from the ledger at ${options.path}: ${reason}`,
      { cause },
    );
  }

  function prune(): number {
    if (closed) throw closedError();
    if (retentionDays === Number.POSITIVE_INFINITY) return 0;
    try {
      return Number(deleteOlder.run(now() - retentionDays * dayInMs).changes);
    } catch (cause) {
      const reason = causeMessage(cause);
      throw new LedgerError(
        'CCB_LEDGER_WRITE_FAILED',
        `Cannot prune the ledger at ${options.path}: ${reason}`,
        { cause },
      );
    }
  }

  try {
    prune();
  } catch (error) {
    checkpointer?.stop();
    database.close();
    throw new LedgerError('CCB_LEDGER_OPEN_FAILED', (error as LedgerError).message, { cause: error });
  }
  const pruneTimer = setInterval(() => {
    try {
      prune();
    } catch (error) {
      onError(error as LedgerError);
    }
  }, pruneIntervalInMs);
  pruneTimer.unref();

  return {
    record(row) {
      if (closed) throw closedError();
      batches.push(row);
    },
    flush,
    query({ sinceInMs, untilInMs, by }) {
      if (!usageDimensions.includes(by)) {
        throw new LedgerError(
          'CCB_LEDGER_INVALID_OPTIONS',
          `query: by must be one of ${usageDimensions.join(', ')}, got ${String(by)}`,
        );
      }
      flushBeforeReading();
      let statement = usageStatements.get(by);
      if (statement === undefined) {
        statement = database.prepare(usageSql(by));
        usageStatements.set(by, statement);
      }
      let rows: UsageSqlRow[];
      try {
        rows = statement.all(sinceInMs, untilInMs ?? Number.MAX_SAFE_INTEGER) as unknown as UsageSqlRow[];
      } catch (cause) {
        throw queryFailed(`usage by ${by}`, cause);
      }
      return rows.map((row) => ({
        key: row.key,
        requests: row.requests,
        inputTokens: row.inputTokens,
        outputTokens: row.outputTokens,
        cacheCreationInputTokens: row.cacheCreationInputTokens,
        cacheReadInputTokens: row.cacheReadInputTokens,
        cacheHitRate: cacheHitRate(row.inputTokens, row.cacheCreationInputTokens, row.cacheReadInputTokens),
        costUsd: row.costUsd,
      }));
    },
    spend({ scope, name, sinceInMs, untilInMs }) {
      flushBeforeReading();
      const statement = scope === 'provider' ? providerSpend : keySpend;
      try {
        prepareSpend();
        const totals = statement.get(
          name,
          sinceInMs,
          untilInMs ?? Number.MAX_SAFE_INTEGER,
        ) as unknown as SpendTotals;
        return { costUsd: totals.costUsd, tokens: totals.tokens };
      } catch (cause) {
        throw queryFailed(`the spend of ${scope} ${name}`, cause);
      }
    },
    prepareSpend,
    prune,
    stats: batches.stats,
    close() {
      if (closed) return;
      clearInterval(pruneTimer);
      try {
        flush();
      } finally {
        closed = true;
        batches.stop();
        // Ends the worker, then checkpoints and truncates the WAL on this connection: the file alone holds every row.
        checkpointer?.stop();
        database.close();
      }
    },
  };
}
