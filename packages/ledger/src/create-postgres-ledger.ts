import type { Pool, PoolClient } from 'pg';
import { checkNumberOption } from './_check-option.js';
import { isPermanentWriteError, writePostgresBatch } from './_postgres-batch.js';
import { createPostgresPool } from './_postgres-pool.js';
import { isSchemaName, preparePostgresSchema } from './_postgres-schema.js';
import {
  postgresKeySpendSql,
  postgresProviderSpendSql,
  postgresPruneBatchesSql,
  postgresPruneSql,
  postgresSpendByNameSql,
  postgresUsageSql,
} from './_postgres-sql.js';
import type { UsageSqlRow } from './_usage-sql.js';
import { createWriteQueue, type LedgerBatch } from './_write-queue.js';
import type { SpendQuery, SpendTotals } from './create-ledger.js';
import { causeMessage, LedgerError } from './ledger-error.js';
import { cacheHitRate, usageDimensions } from './ledger-row.js';
import { postgresLocation } from './postgres-location.js';
import type { UsageLedger } from './usage-ledger.js';

/** Options of {@link createPostgresLedger}. */
export interface PostgresLedgerOptions {
  /** `postgres://user:password@host:port/database`; only `host:port/database` is ever printed. */
  readonly url: string;
  /** Postgres schema holding the tables (created when missing). Default `ccb`. */
  readonly schema?: string;
  /** How long recorded rows may wait in memory before a batch is written, in ms. Default 1000. */
  readonly batchIntervalInMs?: number;
  /** Rows older than this many days are deleted after the schema is ready and then hourly. Default 30. */
  readonly retentionDays?: number;
  /** Clock for retention, in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** A batch is sealed and written at this many rows, without waiting for the interval. Default 1000. */
  readonly maxBatchRows?: number;
  /** Rows kept in memory while writes fail; beyond it the oldest batch is dropped and counted. Default 100000. */
  readonly maxPendingRows?: number;
  /** Wait before the first retry of a failed batch, in ms; doubles per failure. Default 1000. */
  readonly retryDelayInMs?: number;
  /** Longest wait between retries, in ms. Default 30000. */
  readonly maxRetryDelayInMs?: number;
  /** How long to wait for a connection, in ms. Default 5000. */
  readonly connectTimeoutInMs?: number;
  /** How long one statement may take before it counts as failed (and its batch is retried), in ms. Default 30000. */
  readonly queryTimeoutInMs?: number;
  /** Connections in the pool: one writes, the others answer reports. Default 4. */
  readonly maxConnections?: number;
  /** Jitter of retry delays, in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /**
   * Receives background failures: writes (`CCB_LEDGER_WRITE_FAILED`, the batch is retried), drops
   * (`CCB_LEDGER_ROWS_DROPPED`, once per outage), prunes and the schema. Default: `process.emitWarning`.
   */
  readonly onError?: (error: LedgerError) => void;
}

/** Spend of every provider and client key in given windows, read once: budgets read it back synchronously. */
export interface SpendSnapshot {
  /**
   * The spend of `query.scope`/`query.name` from `query.sinceInMs` (one of the snapshot's window starts) to the
   * snapshot's end, whatever `query.untilInMs` says. Zero for a window not in the snapshot: it started after the
   * snapshot was read, so nothing before it counts.
   */
  spend(query: SpendQuery): SpendTotals;
}

/** The Postgres ledger: a {@link UsageLedger}, plus what starting budgets needs from it. */
export interface PostgresLedger extends UsageLedger {
  readonly backend: 'postgres';
  /**
   * Connects and creates or checks the schema now (it is otherwise done by the first write or read). A start
   * calls it to report a database that is down or refuses; the ledger keeps retrying in the background either way.
   * @throws {LedgerError} `CCB_LEDGER_OPEN_FAILED`.
   */
  ready(): Promise<void>;
  /**
   * Reads the spend of every provider and key from each of `windowStartsInMs` up to `untilInMs`, for budgets to
   * restore their windows synchronously. @throws {LedgerError} `CCB_LEDGER_QUERY_FAILED`.
   */
  spendSnapshot(options: { windowStartsInMs: readonly number[]; untilInMs: number }): Promise<SpendSnapshot>;
}

const dayInMs = 86_400_000;
const pruneIntervalInMs = 3_600_000;

function defaultOnError(error: LedgerError): void {
  process.emitWarning(error);
}

/**
 * A usage ledger in PostgreSQL, shared by every ccb instance that points at it. `record` only queues; batches are
 * written off the request path (one `INSERT … SELECT FROM unnest(…)` per batch, in a transaction with its batch id,
 * so a retried batch is stored once), retried with backoff while the database is slow or down, and dropped (counted,
 * reported) only past `maxPendingRows`. Nothing connects until the first write, read or {@link PostgresLedger.ready}:
 * the `pg` client is loaded then, and the schema created or checked.
 *
 * @throws {LedgerError} `CCB_LEDGER_INVALID_OPTIONS` (the URL is not a `postgres://` URL, a bad number or schema).
 */
export function createPostgresLedger(options: PostgresLedgerOptions): PostgresLedger {
  const where = 'createPostgresLedger';
  const url = options?.url;
  if (typeof url !== 'string' || !/^postgres(ql)?:\/\//.test(url)) {
    throw new LedgerError('CCB_LEDGER_INVALID_OPTIONS', `${where}: url must be a postgres:// URL`);
  }
  const schema = options.schema ?? 'ccb';
  if (!isSchemaName(schema)) {
    throw new LedgerError(
      'CCB_LEDGER_INVALID_OPTIONS',
      `${where}: schema must be lower-case letters, digits and _, got ${JSON.stringify(schema)}`,
    );
  }
  const number = (name: string, value: number, rules: Parameters<typeof checkNumberOption>[3]) =>
    checkNumberOption(where, name, value, rules);
  const batchIntervalInMs = number('batchIntervalInMs', options.batchIntervalInMs ?? 1000, {
    minimum: 0,
    exclusive: true,
  });
  const retentionDays = number('retentionDays', options.retentionDays ?? 30, {
    minimum: 0,
    exclusive: true,
    allowInfinity: true,
  });
  const maxBatchRows = number('maxBatchRows', options.maxBatchRows ?? 1000, { minimum: 1, integer: true });
  const maxPendingRows = number('maxPendingRows', options.maxPendingRows ?? 100_000, {
    minimum: maxBatchRows,
    integer: true,
  });
  const retryDelayInMs = number('retryDelayInMs', options.retryDelayInMs ?? 1000, { minimum: 0 });
  const maxRetryDelayInMs = number('maxRetryDelayInMs', options.maxRetryDelayInMs ?? 30_000, {
    minimum: retryDelayInMs,
  });
  const connectTimeoutInMs = number('connectTimeoutInMs', options.connectTimeoutInMs ?? 5000, {
    minimum: 0,
    exclusive: true,
  });
  const queryTimeoutInMs = number('queryTimeoutInMs', options.queryTimeoutInMs ?? 30_000, {
    minimum: 0,
    exclusive: true,
  });
  const maxConnections = number('maxConnections', options.maxConnections ?? 4, { minimum: 1, integer: true });
  const now = options.now ?? Date.now;
  const onError = options.onError ?? defaultOnError;
  const location = postgresLocation(url);

  let pool: Promise<Pool> | undefined;
  let schemaReady: Promise<void> | undefined;
  let closed = false;

  function poolOf(): Promise<Pool> {
    pool ??= createPostgresPool({ url, maxConnections, connectTimeoutInMs, queryTimeoutInMs });
    return pool;
  }

  /** Creates or checks the schema once; a failure is retried by the next caller (the database may come back). */
  function ensureSchema(): Promise<void> {
    schemaReady ??= (async () => {
      await usingClient(async (client) => {
        await preparePostgresSchema(client, schema);
        // The prune SQLite runs at open, run before anything else uses the database; then hourly.
        await pruneWith(client).catch((error: LedgerError) => onError(error));
      });
    })().catch((cause) => {
      schemaReady = undefined;
      throw cause;
    });
    return schemaReady;
  }

  /** Runs `work` on a pooled connection; one that failed is discarded rather than handed to the next caller. */
  async function usingClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await (await poolOf()).connect();
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (error) {
      client.release(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  async function withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    await ensureSchema();
    return usingClient(work);
  }

  const writeBatch = (batch: LedgerBatch) =>
    withClient((client) => writePostgresBatch(client, schema, batch, now()));

  const queue = createWriteQueue({
    write: writeBatch,
    location,
    batchIntervalInMs,
    maxBatchRows,
    maxPendingRows,
    retryDelayInMs,
    maxRetryDelayInMs,
    random: options.random ?? Math.random,
    onError,
    isPermanent: isPermanentWriteError,
  });

  function closedError(): LedgerError {
    return new LedgerError('CCB_LEDGER_CLOSED', `The ledger at ${location} is closed; create a new one.`);
  }

  function queryFailed(what: string, cause: unknown): LedgerError {
    return new LedgerError(
      'CCB_LEDGER_QUERY_FAILED',
      `Cannot read ${what} from the ledger at ${location}: ${causeMessage(cause)}`,
      { cause },
    );
  }

  async function flushBeforeReading(): Promise<void> {
    if (closed) throw closedError();
    try {
      await queue.flush();
    } catch (error) {
      // The report answers from what is stored; the write failure was reported by the queue.
      if (!LedgerError.is(error, 'CCB_LEDGER_WRITE_FAILED')) throw error;
    }
  }

  function pruneInBackground(): void {
    if (closed) return;
    prune().catch((error: LedgerError) => onError(error));
  }

  async function prune(): Promise<number> {
    if (closed) throw closedError();
    return withClient(pruneWith);
  }

  async function pruneWith(client: PoolClient): Promise<number> {
    if (retentionDays === Number.POSITIVE_INFINITY) return 0;
    try {
      await client.query(postgresPruneBatchesSql(schema), [now() - dayInMs]);
      const deleted = await client.query(postgresPruneSql(schema), [now() - retentionDays * dayInMs]);
      return deleted.rowCount ?? 0;
    } catch (cause) {
      throw new LedgerError(
        'CCB_LEDGER_WRITE_FAILED',
        `Cannot prune the ledger at ${location}: ${causeMessage(cause)}`,
        { cause },
      );
    }
  }

  const pruneTimer = setInterval(pruneInBackground, pruneIntervalInMs);
  pruneTimer.unref();

  return {
    backend: 'postgres',
    location,
    record(row) {
      if (closed) throw closedError();
      queue.push(row);
    },
    async flush() {
      if (closed) throw closedError();
      await queue.flush();
    },
    async ready() {
      if (closed) throw closedError();
      try {
        await ensureSchema();
      } catch (cause) {
        throw new LedgerError(
          'CCB_LEDGER_OPEN_FAILED',
          `Cannot prepare the ledger at ${location}: ${causeMessage(cause)}. Check that Postgres runs and that ` +
            `ledger.url's user may create the schema ${schema} (or create it for them).`,
          { cause },
        );
      }
    },
    async query({ sinceInMs, untilInMs, by }) {
      if (!usageDimensions.includes(by)) {
        throw new LedgerError(
          'CCB_LEDGER_INVALID_OPTIONS',
          `query: by must be one of ${usageDimensions.join(', ')}, got ${String(by)}`,
        );
      }
      await flushBeforeReading();
      let rows: UsageSqlRow[];
      try {
        rows = await withClient(async (client) => {
          const result = await client.query<UsageSqlRow>(postgresUsageSql(schema, by), [
            sinceInMs,
            untilInMs ?? Number.MAX_SAFE_INTEGER,
          ]);
          return result.rows;
        });
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
    async spend({ scope, name, sinceInMs, untilInMs }) {
      await flushBeforeReading();
      const sql = scope === 'provider' ? postgresProviderSpendSql(schema) : postgresKeySpendSql(schema);
      try {
        return await withClient(async (client) => {
          const result = await client.query<SpendTotals>(sql, [
            name,
            sinceInMs,
            untilInMs ?? Number.MAX_SAFE_INTEGER,
          ]);
          const totals = result.rows[0];
          return { costUsd: totals?.costUsd ?? 0, tokens: totals?.tokens ?? 0 };
        });
      } catch (cause) {
        throw queryFailed(`the spend of ${scope} ${name}`, cause);
      }
    },
    async spendSnapshot({ windowStartsInMs, untilInMs }) {
      await flushBeforeReading();
      const totals = new Map<string, SpendTotals>();
      try {
        await withClient(async (client) => {
          for (const sinceInMs of windowStartsInMs) {
            for (const [scope, column] of [
              ['provider', 'provider'],
              ['key', 'client_key_id'],
            ] as const) {
              const result = await client.query<{ name: string } & SpendTotals>(
                postgresSpendByNameSql(schema, column),
                [sinceInMs, untilInMs],
              );
              for (const row of result.rows) {
                totals.set(`${scope}\0${row.name}\0${sinceInMs}`, {
                  costUsd: row.costUsd,
                  tokens: row.tokens,
                });
              }
            }
          }
        });
      } catch (cause) {
        throw queryFailed('the spend of every provider and key', cause);
      }
      const zero: SpendTotals = Object.freeze({ costUsd: 0, tokens: 0 });
      return {
        spend: ({ scope, name, sinceInMs }) => totals.get(`${scope}\0${name}\0${sinceInMs}`) ?? zero,
      };
    },
    prune,
    stats: () => queue.stats(),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(pruneTimer);
      try {
        await queue.close();
      } finally {
        await pool?.then((opened) => opened.end()).catch(() => {});
      }
    },
  };
}
