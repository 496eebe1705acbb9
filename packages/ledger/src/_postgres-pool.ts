import type { Pool } from 'pg';

/** What the ledger's connection pool is made of. */
export interface PostgresPoolOptions {
  readonly url: string;
  readonly maxConnections: number;
  readonly connectTimeoutInMs: number;
  readonly queryTimeoutInMs: number;
}

/**
 * Loads the `pg` client (on first use, never when the package is imported: a SQLite user never pays for it) and
 * creates the pool, named `ccb` in `pg_stat_activity`.
 */
export async function createPostgresPool(options: PostgresPoolOptions): Promise<Pool> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections,
    connectionTimeoutMillis: options.connectTimeoutInMs,
    query_timeout: options.queryTimeoutInMs,
    idleTimeoutMillis: 30_000,
    application_name: 'ccb',
  });
  // A connection the server drops (restart, failover) emits 'error'. The pool handles it only while the connection
  // is idle: one checked out between two statements would end the process. Every connection gets a listener of its
  // own; the statement that was running fails, and `release(error)` discards the connection.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}
