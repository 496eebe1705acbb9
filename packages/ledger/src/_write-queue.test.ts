import { afterEach, describe, expect, it, vi } from 'vitest';
import { ledgerRow } from '../test/ledger-rows.js';
import { createWriteQueue, type LedgerBatch, type WriteQueueOptions } from './_write-queue.js';
import type { LedgerError } from './ledger-error.js';

function queueWith(write: (batch: LedgerBatch) => Promise<void>, options: Partial<WriteQueueOptions> = {}) {
  const errors: LedgerError[] = [];
  const queue = createWriteQueue({
    write,
    location: 'db.internal:5432/ccb',
    batchIntervalInMs: 1000,
    maxBatchRows: 3,
    maxPendingRows: 9,
    retryDelayInMs: 100,
    maxRetryDelayInMs: 400,
    random: () => 1,
    onError: (error) => errors.push(error),
    ...options,
  });
  return { queue, errors };
}

describe('createWriteQueue', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes a batch per interval, and a full batch at once', async () => {
    vi.useFakeTimers();
    const written: number[] = [];
    const { queue } = queueWith(async (batch) => {
      written.push(batch.rows.length);
    });
    queue.push(ledgerRow());
    await vi.advanceTimersByTimeAsync(999);
    expect(written).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(written).toEqual([1]);
    for (let index = 0; index < 3; index += 1) queue.push(ledgerRow());
    await vi.advanceTimersByTimeAsync(0);
    expect(written).toEqual([1, 3]);
    expect(queue.stats()).toEqual({ pendingRows: 0, writtenRows: 4, droppedRows: 0 });
  });

  it('retries a failed batch under the same id with doubling delays, then resets the delay', async () => {
    vi.useFakeTimers();
    const attempts: { id: string; at: number }[] = [];
    let failing = 3;
    const { queue, errors } = queueWith(async (batch) => {
      attempts.push({ id: batch.id, at: Date.now() });
      if (failing-- > 0) throw new Error('connection refused');
    });
    const start = Date.now();
    queue.push(ledgerRow());
    await vi.advanceTimersByTimeAsync(1000 + 100 + 200 + 400);
    expect(attempts.map((attempt) => attempt.at - start)).toEqual([1000, 1100, 1300, 1700]);
    expect(new Set(attempts.map((attempt) => attempt.id)).size).toBe(1);
    expect(errors.map((error) => error.code)).toEqual(Array(3).fill('CCB_LEDGER_WRITE_FAILED'));
    expect(errors[0]?.message).toBe(
      'Cannot write 1 rows to the ledger at db.internal:5432/ccb: connection refused; 1 rows kept in memory and retried.',
    );
    expect(queue.stats()).toEqual({ pendingRows: 0, writtenRows: 1, droppedRows: 0 });
  });

  it('drops the oldest batch not being written once the queue is full, and reports it once per outage', async () => {
    vi.useFakeTimers();
    const written: string[][] = [];
    let failing = true;
    const { queue, errors } = queueWith(async (batch) => {
      if (failing) throw new Error('timeout');
      written.push(batch.rows.map((row) => row.requestId));
    });
    const ids: string[] = [];
    for (let index = 0; index < 15; index += 1) {
      const row = ledgerRow();
      ids.push(row.requestId);
      queue.push(row);
      await vi.advanceTimersByTimeAsync(0);
    }
    // Between retries no batch is in flight: the two oldest are dropped, whole.
    expect(queue.stats()).toEqual({ pendingRows: 9, writtenRows: 0, droppedRows: 6 });
    expect(errors.filter((error) => error.code === 'CCB_LEDGER_ROWS_DROPPED')).toHaveLength(1);
    failing = false;
    await queue.flush();
    expect(written.flat()).toEqual(ids.slice(6));
    expect(queue.stats()).toEqual({ pendingRows: 0, writtenRows: 9, droppedRows: 6 });
  });

  it('keeps the batch being written when the queue fills meanwhile, and drops the next oldest', async () => {
    let finishWrite: () => void = () => {};
    const written: string[][] = [];
    const { queue } = queueWith(async (batch) => {
      await new Promise<void>((resolve) => {
        finishWrite = resolve;
      });
      written.push(batch.rows.map((row) => row.requestId));
    });
    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const row = ledgerRow();
      ids.push(row.requestId);
      queue.push(row);
    }
    const flushed = queue.flush();
    for (let index = 0; index < 9; index += 1) {
      const row = ledgerRow();
      ids.push(row.requestId);
      queue.push(row);
    }
    expect(queue.stats()).toEqual({ pendingRows: 9, writtenRows: 0, droppedRows: 3 });
    for (let round = 0; round < 3; round += 1) {
      finishWrite();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await flushed;
    expect(written.flat()).toEqual([...ids.slice(0, 3), ...ids.slice(6)]);
  });

  it('drops at once a batch the store refuses for good, and writes the next', async () => {
    const written: number[] = [];
    const { queue, errors } = queueWith(
      async (batch) => {
        if (batch.rows[0]?.status === 999)
          throw Object.assign(new Error('value out of range'), { code: '22003' });
        written.push(batch.rows.length);
      },
      { isPermanent: (error) => (error as { code?: string }).code === '22003' },
    );
    queue.push(ledgerRow({ status: 999 }));
    await queue.flush();
    queue.push(ledgerRow());
    await queue.flush();
    expect(written).toEqual([1]);
    expect(queue.stats()).toEqual({ pendingRows: 0, writtenRows: 1, droppedRows: 1 });
    expect(errors.map((error) => error.code)).toEqual(['CCB_LEDGER_ROWS_DROPPED']);
  });

  it('rejects a flush that cannot write, keeping the rows, and drops and reports them at close', async () => {
    const { queue, errors } = queueWith(async () => {
      throw new Error('down');
    });
    queue.push(ledgerRow());
    queue.push(ledgerRow());
    await expect(queue.flush()).rejects.toMatchObject({ code: 'CCB_LEDGER_WRITE_FAILED' });
    expect(queue.stats().pendingRows).toBe(2);
    await queue.close();
    expect(queue.stats()).toEqual({ pendingRows: 0, writtenRows: 0, droppedRows: 2 });
    expect(errors.at(-1)?.code).toBe('CCB_LEDGER_ROWS_DROPPED');
  });
});
