import type { PoolClient } from 'pg';

/**
 * Version of the Postgres schema. It starts at 3, the SQLite schema version whose columns it has (with `dedup`),
 * so one number names one set of columns in both stores.
 */
export const postgresSchemaVersion = 3;

/** Arbitrary first key of the advisory lock that serialises schema changes (ASCII "ccbL"). */
const lockClass = 0x6363624c;

/** A Postgres schema name used as is in SQL: lower-case letters, digits and `_`, as Postgres folds names. */
export function isSchemaName(name: string): boolean {
  return /^[a-z_][a-z0-9_]{0,62}$/.test(name);
}

function createStatements(schema: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${schema}.requests (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  time_ms BIGINT NOT NULL,
  request_id TEXT NOT NULL,
  client_key_id TEXT NOT NULL,
  session_id TEXT,
  provider TEXT,
  model_requested TEXT,
  model_sent TEXT,
  status INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cache_creation_input_tokens BIGINT NOT NULL,
  cache_read_input_tokens BIGINT NOT NULL,
  cost_usd DOUBLE PRECISION NOT NULL,
  duration_ms DOUBLE PRECISION NOT NULL,
  ttfb_ms DOUBLE PRECISION,
  stream BOOLEAN NOT NULL,
  output_estimated BOOLEAN NOT NULL DEFAULT FALSE,
  dedup TEXT
);
-- Reports scan a time range; budget read-backs look up one provider or key in a range. With several instances
-- budgets are read back by whichever starts, so these exist from the start rather than on first use as in SQLite.
CREATE INDEX IF NOT EXISTS requests_time ON ${schema}.requests (time_ms);
CREATE INDEX IF NOT EXISTS requests_provider_time ON ${schema}.requests (provider, time_ms);
CREATE INDEX IF NOT EXISTS requests_key_time ON ${schema}.requests (client_key_id, time_ms);
-- One row per written batch: a batch retried after a commit whose answer was lost is recognised and not counted
-- twice. Kept a day (retries happen within minutes).
CREATE TABLE IF NOT EXISTS ${schema}.batches (
  batch_id UUID PRIMARY KEY,
  written_at_ms BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS batches_written_at ON ${schema}.batches (written_at_ms);
`;
}

/**
 * Creates the schema, or checks it, in one transaction under an advisory lock: instances starting together wait for
 * the first, then find its tables. A schema written by a newer ccb is refused rather than misread.
 * @throws when the schema is newer, or Postgres refuses (privileges, connection).
 */
export async function preparePostgresSchema(client: PoolClient, schema: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [lockClass, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_version (version INTEGER NOT NULL)`);
    const result = await client.query<{ version: number }>(`SELECT version FROM ${schema}.schema_version`);
    const version = result.rows[0]?.version ?? 0;
    if (version > postgresSchemaVersion) {
      throw new Error(
        `the schema ${schema} has version ${version}; this ccb reads up to ${postgresSchemaVersion}, upgrade ccb`,
      );
    }
    if (version < postgresSchemaVersion) {
      await client.query(createStatements(schema));
      await client.query(`DELETE FROM ${schema}.schema_version`);
      await client.query(`INSERT INTO ${schema}.schema_version (version) VALUES ($1)`, [
        postgresSchemaVersion,
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
