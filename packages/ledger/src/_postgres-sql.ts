import type { UsageDimension } from './ledger-row.js';

const keyExpressions: Readonly<Record<UsageDimension, string>> = {
  provider: 'provider',
  model: 'COALESCE(model_sent, model_requested)',
  day: "to_char(to_timestamp(time_ms / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
  key: 'client_key_id',
  session: 'session_id',
};

/**
 * The grouped report statement for `by`, answering as SQLite's `usageSql` does: sums as float8 (JS numbers, not
 * numeric strings), keys in byte order (`COLLATE "C"`, as SQLite's BINARY) with NULL first. Binds
 * ($1 sinceInMs, $2 untilInMs).
 */
export function postgresUsageSql(schema: string, by: UsageDimension): string {
  // An output name cannot be part of an ORDER BY expression in Postgres: the key's expression is repeated.
  const keyOrder = `(${keyExpressions[by]}) COLLATE "C" ASC NULLS FIRST`;
  const order = by === 'day' ? keyOrder : `"costUsd" DESC, requests DESC, ${keyOrder}`;
  return `SELECT ${keyExpressions[by]} AS key,
  COUNT(*)::float8 AS requests,
  SUM(input_tokens)::float8 AS "inputTokens",
  SUM(output_tokens)::float8 AS "outputTokens",
  SUM(cache_creation_input_tokens)::float8 AS "cacheCreationInputTokens",
  SUM(cache_read_input_tokens)::float8 AS "cacheReadInputTokens",
  COALESCE(SUM(cost_usd), 0)::float8 AS "costUsd"
FROM ${schema}.requests
WHERE time_ms >= $1 AND time_ms < $2
GROUP BY 1
ORDER BY ${order}`;
}

function spendSql(schema: string, column: 'provider' | 'client_key_id'): string {
  return `SELECT COALESCE(SUM(cost_usd), 0)::float8 AS "costUsd",
  COALESCE(SUM(input_tokens + output_tokens + cache_creation_input_tokens + cache_read_input_tokens), 0)::float8 AS tokens
FROM ${schema}.requests WHERE ${column} = $1 AND time_ms >= $2 AND time_ms < $3`;
}

/** Spend of one provider in a range; binds (provider, sinceInMs, untilInMs). Served by `requests_provider_time`. */
export const postgresProviderSpendSql = (schema: string) => spendSql(schema, 'provider');

/** Spend of one client key in a range; binds (clientKeyId, sinceInMs, untilInMs). Served by `requests_key_time`. */
export const postgresKeySpendSql = (schema: string) => spendSql(schema, 'client_key_id');

/** Spend of every provider (or key) in a range, for a budget read-back at start; binds (sinceInMs, untilInMs). */
export function postgresSpendByNameSql(schema: string, column: 'provider' | 'client_key_id'): string {
  return `SELECT ${column} AS name, COALESCE(SUM(cost_usd), 0)::float8 AS "costUsd",
  COALESCE(SUM(input_tokens + output_tokens + cache_creation_input_tokens + cache_read_input_tokens), 0)::float8 AS tokens
FROM ${schema}.requests WHERE time_ms >= $1 AND time_ms < $2 AND ${column} IS NOT NULL
GROUP BY 1`;
}

/** Records a batch id; no row back means the batch is already stored. Binds (batchId, writtenAtInMs). */
export const postgresBatchSql = (schema: string) =>
  `INSERT INTO ${schema}.batches (batch_id, written_at_ms) VALUES ($1, $2) ON CONFLICT DO NOTHING`;

/**
 * Inserts a whole batch with one statement of one parameter: the rows as a JSON array of 19-element arrays, in the
 * column order below. One `JSON.stringify` of the batch (native) replaces pg's per-value array encoding in
 * JavaScript, which was most of the ledger's CPU in ccb's process; the statement text stays the same whatever the
 * batch size.
 */
export const postgresInsertSql = (schema: string) => `INSERT INTO ${schema}.requests (
  time_ms, request_id, client_key_id, session_id, provider, model_requested, model_sent, status, attempts,
  input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, cost_usd, duration_ms,
  ttfb_ms, stream, output_estimated, dedup
) SELECT (r->>0)::bigint, r->>1, r->>2, r->>3, r->>4, r->>5, r->>6, (r->>7)::integer, (r->>8)::integer,
  (r->>9)::bigint, (r->>10)::bigint, (r->>11)::bigint, (r->>12)::bigint, (r->>13)::float8, (r->>14)::float8,
  (r->>15)::float8, (r->>16)::boolean, (r->>17)::boolean, r->>18
FROM json_array_elements($1::json) AS r`;

/** Deletes rows older than a cut-off; binds (cutoffInMs). */
export const postgresPruneSql = (schema: string) => `DELETE FROM ${schema}.requests WHERE time_ms < $1`;

/** Forgets batch ids older than a cut-off; binds (cutoffInMs). */
export const postgresPruneBatchesSql = (schema: string) =>
  `DELETE FROM ${schema}.batches WHERE written_at_ms < $1`;
