import type { UsageDimension } from './ledger-row.js';

const keyExpressions: Readonly<Record<UsageDimension, string>> = {
  provider: 'provider',
  // The billed model is the one sent upstream; fall back to the requested one when nothing was sent.
  model: 'COALESCE(model_sent, model_requested)',
  day: "strftime('%Y-%m-%d', time_ms / 1000, 'unixepoch')",
  key: 'client_key_id',
  session: 'session_id',
};

/** The columns a usage statement returns, named as SQLite hands them to the driver. */
export interface UsageSqlRow {
  readonly key: string | null;
  readonly requests: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheCreationInputTokens: number;
  readonly cacheReadInputTokens: number;
  readonly costUsd: number;
}

/** The grouped report statement for `by`; binds (sinceInMs, untilInMs). */
export function usageSql(by: UsageDimension): string {
  const order = by === 'day' ? 'key ASC' : 'costUsd DESC, requests DESC, key ASC';
  return `SELECT ${keyExpressions[by]} AS key,
  COUNT(*) AS requests,
  SUM(input_tokens) AS inputTokens,
  SUM(output_tokens) AS outputTokens,
  SUM(cache_creation_input_tokens) AS cacheCreationInputTokens,
  SUM(cache_read_input_tokens) AS cacheReadInputTokens,
  TOTAL(cost_usd) AS costUsd
FROM requests
WHERE time_ms >= ? AND time_ms < ?
GROUP BY 1
ORDER BY ${order}`;
}

const spendColumns = `SELECT TOTAL(cost_usd) AS costUsd,
  TOTAL(input_tokens + output_tokens + cache_creation_input_tokens + cache_read_input_tokens) AS tokens
FROM requests`;

/** Spend of one provider in a range; binds (provider, sinceInMs, untilInMs). Served by `requests_provider_time`. */
export const providerSpendSql = `${spendColumns} WHERE provider = ? AND time_ms >= ? AND time_ms < ?`;

/** Spend of one client key in a range; binds (clientKeyId, sinceInMs, untilInMs). Served by `requests_key_time`. */
export const keySpendSql = `${spendColumns} WHERE client_key_id = ? AND time_ms >= ? AND time_ms < ?`;

/** Deletes rows older than a cut-off; binds (cutoffInMs). */
export const pruneSql = 'DELETE FROM requests WHERE time_ms < ?';
