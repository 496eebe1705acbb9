import type { SqliteDatabase } from './sqlite-driver.js';

/** Bumped on every incompatible change; a file written by a newer ccb is refused rather than misread. */
export const schemaVersion = 3;

const createStatements = `
CREATE TABLE IF NOT EXISTS requests (
  id INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  client_key_id TEXT NOT NULL,
  session_id TEXT,
  provider TEXT,
  model_requested TEXT,
  model_sent TEXT,
  status INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_creation_input_tokens INTEGER NOT NULL,
  cache_read_input_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  duration_ms REAL NOT NULL,
  ttfb_ms REAL,
  stream INTEGER NOT NULL,
  output_estimated INTEGER NOT NULL DEFAULT 0,
  dedup TEXT
);
CREATE INDEX IF NOT EXISTS requests_time ON requests (time_ms);
`;

/**
 * Indexes for budget spend queries only, created by the first such query. Every insert updates every index, and
 * a ledger without budgets never runs these queries: each unused index cost ~1 µs per request.
 */
export const spendIndexStatements = `
CREATE INDEX IF NOT EXISTS requests_provider_time ON requests (provider, time_ms);
CREATE INDEX IF NOT EXISTS requests_key_time ON requests (client_key_id, time_ms);
`;

/**
 * Sets the pragmas and creates the schema. WAL lets reports read while the proxy writes, and with
 * `synchronous = NORMAL` a committed batch survives a process crash (only an OS crash can lose the last commits).
 * A second writer (another ccb on the same file) blocks the event loop while it waits, so the wait is kept short.
 * The wait is set first: switching to WAL takes a lock too, and two ccb starting on one file at once (a fresh file)
 * must wait for each other there rather than fail with "database is locked".
 */
export function prepareSchema(database: SqliteDatabase): void {
  database.exec('PRAGMA busy_timeout = 1000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
  const version = Number(database.prepare('PRAGMA user_version').get()?.user_version ?? 0);
  if (version > schemaVersion) {
    throw new Error(
      `the file has schema version ${version}; this ccb reads up to ${schemaVersion}, upgrade ccb`,
    );
  }
  database.exec(createStatements);
  // Version 2 marks estimated output counts (cancelled streams); a version 1 file gains the column, 0 for old rows.
  if (version === 1)
    database.exec('ALTER TABLE requests ADD COLUMN output_estimated INTEGER NOT NULL DEFAULT 0');
  // Version 3 marks requests answered by another's upstream call (dedup); older rows are NULL: their own call.
  if (version === 1 || version === 2) database.exec('ALTER TABLE requests ADD COLUMN dedup TEXT');
  if (version < schemaVersion) database.exec(`PRAGMA user_version = ${schemaVersion}`);
}
