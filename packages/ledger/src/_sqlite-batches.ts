import { causeMessage, LedgerError } from './ledger-error.js';
import type { LedgerRow } from './ledger-row.js';
import type { LedgerWriteStats } from './ledger-write-stats.js';

/** Options of {@link createSqliteBatches}; every number is checked by the caller. */
export interface SqliteBatchesOptions {
  /** Writes rows in one synchronous transaction, all of them or none; throws when it did not. */
  readonly insertBatch: (rows: readonly LedgerRow[]) => void;
  /** The ledger's file, for messages. */
  readonly location: string;
  readonly batchIntervalInMs: number;
  readonly maxBatchRows: number;
  readonly maxPendingRows: number;
  readonly maxRowsPerTransaction: number;
  /** Receives the failures of background writes. */
  readonly onError: (error: LedgerError) => void;
}

/** The SQLite ledger's queue of recorded rows and the timers that write them. */
export interface SqliteBatches {
  /** Queues a row; never writes. */
  push(row: LedgerRow): void;
  /**
   * Writes every queued row now, in one transaction, including what a background flush has not written yet.
   * @throws {LedgerError} `CCB_LEDGER_WRITE_FAILED`: the rows stay queued.
   */
  flush(): void;
  stats(): LedgerWriteStats;
  /** Cancels the timers and the rest of a background flush; queued rows stay queued (call `flush` first). */
  stop(): void;
}

/**
 * Queues rows and writes them off the request path. A background flush (every `batchIntervalInMs`, or on the next
 * turn once `maxBatchRows` wait) takes the queue and writes it in transactions of at most `maxRowsPerTransaction`
 * rows, one per turn of the event loop: a transaction blocks the loop while it runs (~5 µs a row), and every request
 * in flight waits. 1 000 rows at once stalled them for 10–13 ms when a row took ~12 µs (docs/performance.md,
 * item 19); 200 per turn keep each stall near 1 ms. Rows recorded meanwhile wait for the next flush. A failed
 * transaction puts its rows and the rest back at the front of the queue, which keeps the newest `maxPendingRows`.
 */
export function createSqliteBatches(options: SqliteBatchesOptions): SqliteBatches {
  const { insertBatch, maxPendingRows, maxRowsPerTransaction } = options;
  /** Rows no flush has taken yet, oldest first. */
  let pending: LedgerRow[] = [];
  /** The rows a background flush took, and how many of them are written; older than every row in `pending`. */
  let draining: LedgerRow[] = [];
  let drainedRows = 0;
  let writtenRows = 0;
  let droppedRows = 0;
  let batchTimer: NodeJS.Timeout | undefined;
  let earlyFlush: NodeJS.Immediate | undefined;
  let nextTransaction: NodeJS.Immediate | undefined;
  /** A flush came due while a background flush was writing: start another once it ends. */
  let flushDue = false;

  function armBatchTimer(): void {
    if (batchTimer !== undefined) return;
    batchTimer = setTimeout(flushInBackground, options.batchIntervalInMs);
    batchTimer.unref();
  }

  /** Cancels the timers that start a flush (the interval's and the early one). */
  function cancelFlushTimers(): void {
    if (batchTimer !== undefined) clearTimeout(batchTimer);
    if (earlyFlush !== undefined) clearImmediate(earlyFlush);
    batchTimer = undefined;
    earlyFlush = undefined;
  }

  function cancelTimers(): void {
    cancelFlushTimers();
    if (nextTransaction !== undefined) clearImmediate(nextTransaction);
    nextTransaction = undefined;
    flushDue = false;
  }

  /** Takes every queued row, those a background flush has not written first, and empties the queue. */
  function takeAll(): LedgerRow[] {
    const rows = drainedRows < draining.length ? draining.slice(drainedRows).concat(pending) : pending;
    draining = [];
    drainedRows = 0;
    pending = [];
    return rows;
  }

  /** Puts rows that failed to write back in front of the queue, keeping the newest `maxPendingRows`. */
  function keep(failed: LedgerRow[]): number {
    const rows = pending.length === 0 ? failed : failed.concat(pending);
    const dropped = Math.max(0, rows.length - maxPendingRows);
    droppedRows += dropped;
    pending = dropped === 0 ? rows : rows.slice(dropped);
    return dropped;
  }

  function writeFailed(count: number, dropped: number, cause: unknown): LedgerError {
    const reason = causeMessage(cause);
    return new LedgerError(
      'CCB_LEDGER_WRITE_FAILED',
      `Cannot write ${count} rows to the ledger at ${options.location}: ${reason}; ` +
        `${pending.length} rows kept for the next flush${dropped === 0 ? '' : `, ${dropped} oldest dropped`}.`,
      { cause },
    );
  }

  function flushInBackground(): void {
    cancelFlushTimers();
    if (nextTransaction !== undefined) {
      flushDue = true;
      return;
    }
    if (pending.length === 0) return;
    draining = pending;
    drainedRows = 0;
    pending = [];
    writeNextTransaction();
  }

  function writeNextTransaction(): void {
    nextTransaction = undefined;
    const end = Math.min(drainedRows + maxRowsPerTransaction, draining.length);
    const rows = drainedRows === 0 && end === draining.length ? draining : draining.slice(drainedRows, end);
    try {
      insertBatch(rows);
    } catch (cause) {
      flushDue = false;
      const dropped = keep(takeAll());
      armBatchTimer();
      options.onError(writeFailed(rows.length, dropped, cause));
      return;
    }
    writtenRows += rows.length;
    drainedRows = end;
    if (drainedRows < draining.length) {
      // Ref'd: a flush that has begun finishes even if nothing else keeps the process alive.
      nextTransaction = setImmediate(writeNextTransaction);
      return;
    }
    draining = [];
    drainedRows = 0;
    if (pending.length === 0) return;
    if (flushDue || pending.length >= options.maxBatchRows) {
      flushDue = false;
      if (earlyFlush === undefined) earlyFlush = setImmediate(flushInBackground).unref();
    } else {
      armBatchTimer();
    }
  }

  return {
    push(row) {
      pending.push(row);
      if (pending.length >= options.maxBatchRows) {
        if (earlyFlush === undefined) earlyFlush = setImmediate(flushInBackground).unref();
      } else if (batchTimer === undefined) {
        armBatchTimer();
      }
    },
    flush() {
      cancelTimers();
      const rows = takeAll();
      if (rows.length === 0) return;
      try {
        insertBatch(rows);
        writtenRows += rows.length;
      } catch (cause) {
        // `flush` is synchronous, so nothing was recorded meanwhile: the failed rows are the whole queue.
        const dropped = keep(rows);
        armBatchTimer();
        throw writeFailed(rows.length, dropped, cause);
      }
    },
    stats: () => ({
      pendingRows: draining.length - drainedRows + pending.length,
      writtenRows,
      droppedRows,
    }),
    stop: cancelTimers,
  };
}
