import { randomUUID } from 'node:crypto';
import { causeMessage, LedgerError } from './ledger-error.js';
import type { LedgerRow } from './ledger-row.js';
import type { LedgerWriteStats } from './ledger-write-stats.js';

/** Rows written together, under one id: a retry of a batch whose commit went unanswered is recognised by it. */
export interface LedgerBatch {
  readonly id: string;
  readonly rows: readonly LedgerRow[];
}

/** Options of {@link createWriteQueue}; every number is checked by the caller. */
export interface WriteQueueOptions {
  /** Writes one batch, all rows or none; rejects when it did not (it is retried, under the same id). */
  readonly write: (batch: LedgerBatch) => Promise<void>;
  /** Where the rows go, for messages (no secrets). */
  readonly location: string;
  readonly batchIntervalInMs: number;
  readonly maxBatchRows: number;
  readonly maxPendingRows: number;
  /** Wait before the first retry; doubles per failure up to `maxRetryDelayInMs`, with jitter. */
  readonly retryDelayInMs: number;
  readonly maxRetryDelayInMs: number;
  readonly random: () => number;
  readonly onError: (error: LedgerError) => void;
  /**
   * Whether a failed write can never succeed (the store refuses these rows' data): the batch is then dropped and
   * reported at once rather than retried in front of every later batch. Default: every failure is retried.
   */
  readonly isPermanent?: (error: unknown) => boolean;
}

/** A bounded queue of ledger rows in front of a slow or failing store. */
export interface WriteQueue {
  /** Queues a row: O(1), never waits; drops the oldest queued batch when the queue is full. */
  push(row: LedgerRow): void;
  /** Writes every queued row now. @throws {LedgerError} `CCB_LEDGER_WRITE_FAILED`: the rows stay queued. */
  flush(): Promise<void>;
  stats(): LedgerWriteStats;
  /** Stops the timers after one last flush; what that cannot write is dropped, counted and reported. */
  close(): Promise<void>;
}

/**
 * Queues rows in memory and writes them in batches off the request path: a batch is sealed every
 * `batchIntervalInMs` (or at `maxBatchRows`), and one write runs at a time, oldest batch first. A failed write is
 * retried with exponential backoff while new rows keep queueing; past `maxPendingRows` the oldest batch not being
 * written is dropped, counted in `stats().droppedRows` and reported once per outage (`CCB_LEDGER_ROWS_DROPPED`).
 */
export function createWriteQueue(options: WriteQueueOptions): WriteQueue {
  let open: LedgerRow[] = [];
  /** Sealed batches, oldest first; the first one may be in flight. */
  const batches: LedgerBatch[] = [];
  let inFlight: LedgerBatch | undefined;
  let pendingRows = 0;
  let writtenRows = 0;
  let droppedRows = 0;
  let failures = 0;
  let dropReported = false;
  let lastFailure: LedgerError | undefined;
  let sealTimer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let draining: Promise<boolean> | undefined;
  let closing = false;

  function seal(): void {
    if (sealTimer !== undefined) {
      clearTimeout(sealTimer);
      sealTimer = undefined;
    }
    if (open.length === 0) return;
    batches.push({ id: randomUUID(), rows: open });
    open = [];
  }

  function dropOldest(): void {
    // The batch in flight may be committing right now: dropping it could count as lost a row that is stored.
    const index = batches[0] !== undefined && batches[0] === inFlight ? 1 : 0;
    const victim = batches[index];
    let count = 1;
    if (victim !== undefined) {
      batches.splice(index, 1);
      count = victim.rows.length;
    } else {
      open.shift();
    }
    pendingRows -= count;
    droppedRows += count;
    if (dropReported) return;
    dropReported = true;
    options.onError(
      new LedgerError(
        'CCB_LEDGER_ROWS_DROPPED',
        `The ledger at ${options.location} cannot keep up: ${options.maxPendingRows} rows wait to be written, so ` +
          'the oldest are dropped (counted in the dropped-rows metric) until writes succeed again.' +
          (lastFailure === undefined ? '' : ` Last failure: ${lastFailure.message}`),
      ),
    );
  }

  function retryDelay(): number {
    const ceiling = Math.min(options.maxRetryDelayInMs, options.retryDelayInMs * 2 ** (failures - 1));
    // Jitter spreads the retries of several instances that lost the same database at the same moment.
    return ceiling / 2 + (ceiling / 2) * options.random();
  }

  /** Writes batches until none is left (true) or one fails (false, a retry is scheduled unless closing). */
  function drain(): Promise<boolean> {
    draining ??= (async () => {
      try {
        for (let batch = batches[0]; batch !== undefined; batch = batches[0]) {
          inFlight = batch;
          try {
            await options.write(batch);
          } catch (cause) {
            if (options.isPermanent?.(cause) === true) {
              batches.shift();
              pendingRows -= batch.rows.length;
              droppedRows += batch.rows.length;
              options.onError(
                new LedgerError(
                  'CCB_LEDGER_ROWS_DROPPED',
                  `The ledger at ${options.location} refused ${batch.rows.length} rows, which no retry can change: ` +
                    `${causeMessage(cause)}. They are dropped (counted in the dropped-rows metric).`,
                  { cause },
                ),
              );
              continue;
            }
            failures += 1;
            lastFailure = new LedgerError(
              'CCB_LEDGER_WRITE_FAILED',
              `Cannot write ${batch.rows.length} rows to the ledger at ${options.location}: ${causeMessage(cause)}; ` +
                `${pendingRows} rows kept in memory and retried${droppedRows === 0 ? '' : `, ${droppedRows} dropped so far`}.`,
              { cause },
            );
            options.onError(lastFailure);
            if (!closing && retryTimer === undefined) {
              retryTimer = setTimeout(() => {
                retryTimer = undefined;
                void drain();
              }, retryDelay());
              retryTimer.unref();
            }
            return false;
          }
          batches.shift();
          pendingRows -= batch.rows.length;
          writtenRows += batch.rows.length;
          failures = 0;
          dropReported = false;
          lastFailure = undefined;
        }
        return true;
      } finally {
        inFlight = undefined;
        draining = undefined;
      }
    })();
    return draining;
  }

  function startDrain(): void {
    // While a retry waits, new batches wait with it: writing them now would hammer a database that just failed.
    if (retryTimer === undefined) void drain();
  }

  async function flush(): Promise<void> {
    if (retryTimer !== undefined) {
      clearTimeout(retryTimer);
      retryTimer = undefined;
    }
    seal();
    // Bounded: each round writes every batch there is, or ends in the failure thrown below.
    while (batches.length > 0 || draining !== undefined) {
      if (!(await drain())) throw lastFailure;
    }
  }

  return {
    push(row) {
      open.push(row);
      pendingRows += 1;
      if (pendingRows > options.maxPendingRows) dropOldest();
      if (open.length >= options.maxBatchRows) {
        seal();
        setImmediate(startDrain).unref();
      } else if (sealTimer === undefined && open.length > 0) {
        sealTimer = setTimeout(() => {
          sealTimer = undefined;
          seal();
          startDrain();
        }, options.batchIntervalInMs);
        sealTimer.unref();
      }
    },
    flush,
    stats: () => ({ pendingRows, writtenRows, droppedRows }),
    async close() {
      closing = true;
      try {
        await flush();
      } catch {
        // Reported by the failed write; what it left is dropped below.
      } finally {
        if (retryTimer !== undefined) clearTimeout(retryTimer);
        if (sealTimer !== undefined) clearTimeout(sealTimer);
        retryTimer = undefined;
        sealTimer = undefined;
        if (pendingRows > 0) {
          const lost = pendingRows;
          droppedRows += lost;
          pendingRows = 0;
          batches.length = 0;
          open = [];
          options.onError(
            new LedgerError(
              'CCB_LEDGER_ROWS_DROPPED',
              `The ledger at ${options.location} closed with ${lost} rows it could not write; they are lost.`,
              lastFailure === undefined ? {} : { cause: lastFailure },
            ),
          );
        }
      }
    },
  };
}
