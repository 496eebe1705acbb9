import { describe, expect, it, vi } from 'vitest';
import { createBudgets, createPostgresLedger, LedgerError } from '../src/index.js';
import { noon } from './_ledger-fixture.js';
import { postgresSkip, usePostgresFixture } from './_postgres-fixture.js';
import { ledgerRow } from './ledger-rows.js';

const dayInMs = 86_400_000;

describe.skipIf(postgresSkip !== undefined)('createPostgresLedger', () => {
  const fixture = usePostgresFixture();
  const { open, sql } = fixture;

  it('stores streaming and non-streaming rows with every field', async () => {
    const ledger = open();
    ledger.record(
      ledgerRow({ requestId: 'req_stream', stream: true, cacheReadInputTokens: 9000, dedup: 'joined' }),
    );
    ledger.record(
      ledgerRow({
        requestId: 'req_plain',
        stream: false,
        sessionId: null,
        provider: null,
        modelSent: null,
        status: 529,
        attempts: 3,
        timeToFirstByteInMs: null,
        costUsd: 0.000_001_5,
        outputEstimated: true,
      }),
    );
    await ledger.flush();
    const rows = await sql(`SELECT * FROM ${fixture.schema}.requests ORDER BY id`);
    expect(rows).toEqual([
      expect.objectContaining({
        request_id: 'req_stream',
        time_ms: String(noon),
        client_key_id: 'key-a',
        session_id: 'session-1',
        provider: 'anthropic',
        cache_read_input_tokens: '9000',
        stream: true,
        output_estimated: false,
        dedup: 'joined',
      }),
      expect.objectContaining({
        request_id: 'req_plain',
        session_id: null,
        provider: null,
        model_sent: null,
        status: 529,
        attempts: 3,
        ttfb_ms: null,
        cost_usd: 0.000_001_5,
        stream: false,
        output_estimated: true,
        dedup: null,
      }),
    ]);
  });

  it('stores a time with a fraction of a millisecond, floored, in the same day and window', async () => {
    const ledger = open();
    const justAfterMidnight = Date.UTC(2026, 10, 29) + 0.25;
    ledger.record(ledgerRow({ time: justAfterMidnight, costUsd: 2 }));
    ledger.record(ledgerRow({ time: Date.UTC(2026, 10, 29) - 0.75, costUsd: 1 }));
    const byDay = await ledger.query({ sinceInMs: 0, by: 'day' });
    expect(byDay.map((row) => [row.key, row.costUsd])).toEqual([
      ['2026-11-28', 1],
      ['2026-11-29', 2],
    ]);
    expect(ledger.stats().droppedRows).toBe(0);
  });

  it('drops a batch Postgres refuses for its data, reports it, and goes on writing the next', async () => {
    const errors: LedgerError[] = [];
    const ledger = open({ onError: (error) => errors.push(error) });
    ledger.record(ledgerRow({ status: 2 ** 40 }));
    await ledger.flush();
    ledger.record(ledgerRow());
    await ledger.flush();
    expect(ledger.stats()).toEqual({ pendingRows: 0, writtenRows: 1, droppedRows: 1 });
    expect(errors.map((error) => error.code)).toEqual(['CCB_LEDGER_ROWS_DROPPED']);
    expect(errors[0]?.message).toContain('out of range');
  });

  it('survives its connections being cut mid-write, and writes the batch once on the retry', async () => {
    const errors: LedgerError[] = [];
    const ledger = open({ onError: (error) => errors.push(error) });
    await ledger.ready();
    // Hold the batch table so the ledger's write waits inside its transaction, then cut its connections.
    await sql('BEGIN');
    await sql(`LOCK TABLE ${fixture.schema}.batches IN ACCESS EXCLUSIVE MODE`);
    ledger.record(ledgerRow());
    const flushed = ledger.flush().catch((error: unknown) => error);
    await vi.waitFor(
      async () => {
        const waiting = await sql(
          "SELECT pid FROM pg_stat_activity WHERE application_name = 'ccb' AND wait_event_type = 'Lock'",
        );
        expect(waiting).toHaveLength(1);
      },
      { timeout: 10_000, interval: 20 },
    );
    await sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ccb'");
    await sql('COMMIT');
    expect(LedgerError.is(await flushed, 'CCB_LEDGER_WRITE_FAILED')).toBe(true);
    await ledger.flush();
    expect(await sql(`SELECT request_id FROM ${fixture.schema}.requests`)).toHaveLength(1);
    expect(ledger.stats()).toEqual({ pendingRows: 0, writtenRows: 1, droppedRows: 0 });
  });

  it('counts the rows of two instances sharing the database exactly once', async () => {
    const first = open({ maxBatchRows: 7 });
    const second = open({ maxBatchRows: 5 });
    for (let index = 0; index < 60; index += 1) {
      (index % 2 === 0 ? first : second).record(
        ledgerRow({ provider: index % 3 === 0 ? 'anthropic' : 'reseller', costUsd: 0.5 }),
      );
    }
    await Promise.all([first.flush(), second.flush()]);
    const fromFirst = await first.query({ sinceInMs: 0, by: 'provider' });
    const fromSecond = await second.query({ sinceInMs: 0, by: 'provider' });
    expect(fromFirst.map((row) => [row.key, row.requests, row.costUsd])).toEqual([
      ['reseller', 40, 20],
      ['anthropic', 20, 10],
    ]);
    expect(fromSecond).toEqual(fromFirst);
  });

  it('creates the schema once when two instances start at once, with its version', async () => {
    const [first, second] = [open(), open()];
    await Promise.all([first.ready(), second.ready()]);
    expect(await sql(`SELECT version FROM ${fixture.schema}.schema_version`)).toEqual([{ version: 3 }]);
    const tables = await sql<{ tablename: string }>(
      'SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename',
      [fixture.schema],
    );
    expect(tables.map((row) => row.tablename)).toEqual(['batches', 'requests', 'schema_version']);
  });

  it('refuses a schema written by a newer ccb, and names the fix', async () => {
    await open().ready();
    await sql(`UPDATE ${fixture.schema}.schema_version SET version = 99`);
    const error = await open()
      .ready()
      .catch((caught: unknown) => caught);
    expect(LedgerError.is(error, 'CCB_LEDGER_OPEN_FAILED')).toBe(true);
    expect((error as Error).message).toContain('upgrade ccb');
  });

  it('deletes rows past the retention, at open and then when asked, and keeps the rest', async () => {
    const old = open({ retentionDays: Number.POSITIVE_INFINITY });
    old.record(ledgerRow({ time: noon - 9 * dayInMs }));
    await old.flush();
    const ledger = open({ retentionDays: 7 });
    await ledger.ready();
    expect(await sql(`SELECT time_ms FROM ${fixture.schema}.requests`)).toEqual([]);
    ledger.record(ledgerRow({ time: noon - 8 * dayInMs }));
    ledger.record(ledgerRow({ time: noon - 6 * dayInMs }));
    await ledger.flush();
    expect(await ledger.prune()).toBe(1);
    expect((await ledger.query({ sinceInMs: 0, by: 'day' })).map((row) => row.key)).toEqual(['2026-11-23']);
  });

  it('states the query plans: spend read-backs use their index, a recent report uses the time index', async () => {
    const ledger = open({ maxBatchRows: 1000 });
    const providers = ['anthropic', 'reseller', 'bedrock', 'vertex', 'max-1', 'max-2', 'max-3', 'max-4'];
    for (let index = 0; index < 8000; index += 1) {
      ledger.record(
        ledgerRow({
          time: noon - (index % 30) * dayInMs - index,
          provider: providers[index % providers.length] as string,
          clientKeyId: `key-${index % 40}`,
        }),
      );
    }
    await ledger.flush();
    await sql(`ANALYZE ${fixture.schema}.requests`);
    const planOf = async (text: string, values: unknown[]) =>
      (await sql<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values))
        .map((row) => row['QUERY PLAN'])
        .join('\n');
    const { postgresKeySpendSql, postgresProviderSpendSql, postgresUsageSql } = await import(
      '../src/_postgres-sql.js'
    );
    const today = noon - (noon % dayInMs);
    expect(await planOf(postgresProviderSpendSql(fixture.schema), ['vertex', today, noon])).toContain(
      'requests_provider_time',
    );
    expect(await planOf(postgresKeySpendSql(fixture.schema), ['key-7', today, noon])).toContain(
      'requests_key_time',
    );
    expect(await planOf(postgresUsageSql(fixture.schema, 'provider'), [noon - 3_600_000, noon])).toContain(
      'requests_time',
    );
  }, 60_000);

  it('restores budgets from a spend snapshot, read once', async () => {
    const ledger = open();
    ledger.record(
      ledgerRow({ time: noon - 3_600_000, provider: 'anthropic', clientKeyId: 'key-a', costUsd: 4 }),
    );
    ledger.record(
      ledgerRow({ time: noon - 5 * dayInMs, provider: 'anthropic', clientKeyId: 'key-a', costUsd: 10 }),
    );
    await ledger.flush();
    const dayStart = noon - (noon % dayInMs);
    const monthStart = Date.UTC(2026, 10, 1);
    const snapshot = await ledger.spendSnapshot({
      windowStartsInMs: [dayStart, monthStart],
      untilInMs: noon,
    });
    expect(snapshot.spend({ scope: 'provider', name: 'anthropic', sinceInMs: dayStart })).toEqual({
      costUsd: 4,
      tokens: 150,
    });
    expect(snapshot.spend({ scope: 'key', name: 'key-a', sinceInMs: monthStart }).costUsd).toBe(14);
    expect(snapshot.spend({ scope: 'key', name: 'key-z', sinceInMs: monthStart })).toEqual({
      costUsd: 0,
      tokens: 0,
    });
    const budgets = createBudgets({
      budgets: [{ scope: 'provider', name: 'anthropic', dailyUsd: 5, monthlyUsd: 14 }],
      ledger: snapshot,
      now: () => noon,
    });
    expect(budgets.check('provider', 'anthropic').exceeded).toBe(true);
  });

  it('never prints the password of its URL', async () => {
    const errors: LedgerError[] = [];
    const ledger = createPostgresLedger({
      url: 'postgres://ccb:hunter2@127.0.0.1:1/ledger',
      connectTimeoutInMs: 1000,
      onError: (error) => errors.push(error),
    });
    expect(ledger.location).toBe('127.0.0.1:1/ledger');
    const error = await ledger.ready().catch((caught: unknown) => caught as LedgerError);
    ledger.record(ledgerRow());
    await ledger.close();
    for (const reported of [error as LedgerError, ...errors]) {
      expect(reported.message).toContain('127.0.0.1:1/ledger');
      expect(reported.message).not.toContain('hunter2');
    }
    expect(errors.map((reported) => reported.code)).toEqual([
      'CCB_LEDGER_WRITE_FAILED',
      'CCB_LEDGER_ROWS_DROPPED',
    ]);
  });
});

describe('createPostgresLedger options', () => {
  it('refuses a URL that is not postgres://, and a schema name it would have to quote', () => {
    expect(() => createPostgresLedger({ url: 'mysql://x@y/z' })).toThrow(/postgres:\/\/ URL/);
    expect(() => createPostgresLedger({ url: 'postgres://x@y/z', schema: 'Robert"; DROP' })).toThrow(
      /schema/,
    );
    expect(() =>
      createPostgresLedger({ url: 'postgres://x@y/z', maxBatchRows: 10, maxPendingRows: 5 }),
    ).toThrow(/maxPendingRows/);
  });
});
