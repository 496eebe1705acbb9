import type { ChainableCommander } from 'ioredis';
import { createWriteBackOff } from './_write-back-off.js';
import type { RedisConnection } from './redis-connection.js';
import { StateStoreError } from './state-store-error.js';

/** Options of {@link createWriteBehind}: how a replica's changed fields become commands in one pipeline. */
export interface WriteBehindOptions<Value> {
  readonly connection: RedisConnection;
  /** How long a change waits for others to share its batch, in ms. */
  readonly flushDelayInMs: number;
  /** The local value of `field` now, `undefined` when there is none to write any more. */
  readonly current: (field: string) => Value | undefined;
  /**
   * Queues the write of `value` on `pipeline`; `false` when it is not worth writing after all (expired), so no
   * reply is awaited for it.
   */
  readonly send: (pipeline: ChainableCommander, field: string, value: Value) => boolean;
  /** The value Redis kept over the one written (a peer's later one): the replica takes it. */
  readonly adopt: (field: string, reply: string) => void;
  /** What failed, for the error's message (`writing session bindings`). */
  readonly describe: string;
  readonly onError: ((error: StateStoreError) => void) | undefined;
}

/**
 * The write side of a replica: changed fields are marked, and written in batches (one pipeline) a few ms later,
 * backing off while Redis refuses writes. A field whose write failed is written again with the next batch unless
 * a newer local change or a peer's value replaced it meanwhile; nothing is written while the connection is down
 * (the replica's load on reconnect calls {@link WriteBehind.flush}).
 */
export interface WriteBehind {
  /** Queues `field`'s current value. */
  mark(field: string): void;
  /** Drops a queued write (the value was replaced or removed). */
  unmark(field: string): void;
  /** Writes are queued. */
  readonly pending: ReadonlySet<string>;
  /** Writes what is queued now (tests, reconnects, shutdown). Never rejects. */
  flush(): Promise<void>;
  close(): void;
}

export function createWriteBehind<Value>(options: WriteBehindOptions<Value>): WriteBehind {
  const { connection, current, send, adopt } = options;
  const backOff = createWriteBackOff(options.flushDelayInMs);
  const dirty = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let closed = false;

  function schedule(): void {
    if (timer !== undefined || closed || !connection.status().up) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, backOff.delayInMs());
    timer.unref();
  }

  async function writeBatch(): Promise<void> {
    if (dirty.size === 0 || !connection.status().up) return;
    const fields = [...dirty];
    dirty.clear();
    const pipeline = connection.commands.pipeline();
    const sentFields: string[] = [];
    const sentValues: Value[] = [];
    for (const field of fields) {
      const value = current(field);
      if (value === undefined || !send(pipeline, field, value)) continue;
      sentFields.push(field);
      sentValues.push(value);
    }
    if (sentFields.length === 0) return;
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch (error) {
      results = sentFields.map(() => [error as Error, null]);
    }
    let failures = 0;
    let firstError: unknown;
    sentFields.forEach((field, index) => {
      const [error, reply] = results?.[index] ?? [new Error('no reply'), null];
      const unchanged = current(field) === sentValues[index];
      if (error !== null) {
        failures += 1;
        firstError ??= error;
        if (unchanged) dirty.add(field);
      } else if (typeof reply === 'string' && unchanged) adopt(field, reply);
    });
    if (failures === 0) {
      backOff.succeeded();
      return;
    }
    backOff.failed();
    connection.countWriteFailures(failures);
    const message = firstError instanceof Error ? firstError.message : String(firstError);
    options.onError?.(
      new StateStoreError('CCB_STATE_WRITE_FAILED', `${options.describe} failed: ${message}`, {
        cause: firstError,
      }),
    );
  }

  function flush(): Promise<void> {
    if (flushing !== undefined) return flushing.then(() => flush());
    flushing = writeBatch().finally(() => {
      flushing = undefined;
      if (dirty.size > 0) schedule();
    });
    return flushing;
  }

  return {
    mark(field) {
      dirty.add(field);
      // Counted as a failed write while Redis is away: it is kept, and written when Redis is back.
      if (!connection.status().up) connection.countWriteFailures(1);
      schedule();
    },
    unmark(field) {
      dirty.delete(field);
    },
    pending: dirty,
    flush,
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
