/** Spending caps of one provider or client key; windows are the UTC calendar day and month. Give at least one cap. */
export interface Budget {
  readonly scope: 'provider' | 'key';
  /** Provider name, or client key fingerprint; `'*'` (scope `key` only) = every key, each on its own. */
  readonly name: string;
  /** USD per UTC day. */
  readonly dailyUsd?: number;
  /** USD per UTC calendar month. */
  readonly monthlyUsd?: number;
  /** Tokens (input + cache writes + cache reads + output) per UTC day. */
  readonly dailyTokens?: number;
  /** Tokens per UTC calendar month. */
  readonly monthlyTokens?: number;
}
