import { randomBytes } from 'node:crypto';
import { postgresForTests, postgresSkipReason, type TestPostgres } from '@ccb/test-engines';
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createPostgresLedger, type PostgresLedger, type PostgresLedgerOptions } from '../src/index.js';
import { noon } from './_ledger-fixture.js';

/** Why the Postgres suites skip here (the one line they print), or `undefined` when they run. */
export const postgresSkip = postgresSkipReason();
if (postgresSkip !== undefined) console.warn(`skipping the Postgres ledger tests: ${postgresSkip}`);

/** What a Postgres ledger suite works with; see {@link usePostgresFixture}. */
export interface PostgresFixture {
  /** The server's URL (`DATABASE_URL`, or the suite's own server). */
  readonly url: string;
  /** A fresh Postgres schema for each test, dropped after it. */
  readonly schema: string;
  /** A ledger in the test's schema (clock at `noon`, short retries), closed after the test. */
  open(options?: Partial<PostgresLedgerOptions>): PostgresLedger;
  /** Runs SQL on a separate connection, as another reader of the database would. */
  sql<Row extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<Row[]>;
}

/**
 * Registers the hooks of a Postgres ledger suite (call it in the `describe` body of a suite skipped with
 * {@link postgresSkip}): a server for the file, a schema per test, every ledger closed after its test.
 */
export function usePostgresFixture(): PostgresFixture {
  let server: TestPostgres | undefined;
  let client: pg.Client | undefined;
  let schema = '';
  const opened: PostgresLedger[] = [];

  beforeAll(async () => {
    server = await postgresForTests();
    client = new pg.Client({ connectionString: server.url });
    await client.connect();
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    await server?.release();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((ledger) => ledger.close()));
    if (schema !== '') await client?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    schema = '';
  });

  const fixture: PostgresFixture = {
    get url() {
      return (server as TestPostgres).url;
    },
    get schema() {
      if (schema === '') schema = `ccb_test_${randomBytes(6).toString('hex')}`;
      return schema;
    },
    open(options = {}) {
      const ledger = createPostgresLedger({
        url: fixture.url,
        schema: fixture.schema,
        now: () => noon,
        retryDelayInMs: 10,
        maxRetryDelayInMs: 50,
        connectTimeoutInMs: 2000,
        onError: () => {},
        ...options,
      });
      opened.push(ledger);
      return ledger;
    },
    async sql(text, values) {
      return (await (client as pg.Client).query(text, values)).rows;
    },
  };
  return fixture;
}
