/**
 * One finished request as the ledger stores it. No bodies, no credentials: `clientKeyId` is the fingerprint of the
 * client's ccb key, never the key.
 */
export interface LedgerRow {
  /** When the request arrived, ms since the epoch; windows, retention and days are computed from it. */
  readonly time: number;
  readonly requestId: string;
  /** Fingerprint of the client's ccb key (`''` without client auth). */
  readonly clientKeyId: string;
  /** Claude Code's `x-claude-code-session-id`, when sent. */
  readonly sessionId: string | null;
  /** The provider that served the response; `null` when none did. */
  readonly provider: string | null;
  /** The model the client asked for; `null` when the body named none. */
  readonly modelRequested: string | null;
  /** The model id sent upstream after mapping; `null` when nothing was sent. */
  readonly modelSent: string | null;
  /** HTTP status the client received. */
  readonly status: number;
  /** Upstream attempts made (1 without failover, 0 when none was possible). */
  readonly attempts: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheCreationInputTokens: number;
  readonly cacheReadInputTokens: number;
  /** Cost in USD (0 when the model has no price). */
  readonly costUsd: number;
  readonly durationInMs: number;
  /** Time to the first response byte; `null` when nothing was sent. */
  readonly timeToFirstByteInMs: number | null;
  readonly stream: boolean;
  /**
   * `true` when `outputTokens` is ccb's estimate: a stream cancelled or cut before the upstream's final count.
   * Optional for rows built by older callers: absent means counted by the upstream.
   */
  readonly outputEstimated?: boolean;
  /**
   * Answered by another request's upstream call: `joined` (in flight) or `cached` (a reused answer). Such a row costs
   * 0 and its tokens were not spent again. Absent: the request had its own call.
   */
  readonly dedup?: 'joined' | 'cached';
}

/** The dimensions a usage report can group by. */
export const usageDimensions = Object.freeze(['provider', 'model', 'day', 'key', 'session'] as const);

/** The dimension a usage report groups by; `day` is the UTC calendar day (`YYYY-MM-DD`). */
export type UsageDimension = (typeof usageDimensions)[number];

/** What {@link Ledger.query} reports. */
export interface UsageQuery {
  /** Start of the range, inclusive, ms since the epoch. */
  readonly sinceInMs: number;
  /** End of the range, exclusive, ms since the epoch; default: no end. */
  readonly untilInMs?: number;
  /**
   * `provider`, `model` (the model sent upstream, else the one requested), `day` (UTC), `key` (client key
   * fingerprint) or `session`.
   */
  readonly by: UsageDimension;
}

/** One group of a usage report. Token counts in tokens, cost in USD. */
export interface UsageRow {
  /** The group: provider, model, `YYYY-MM-DD`, key fingerprint or session id; `null` for rows without one. */
  readonly key: string | null;
  readonly requests: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheCreationInputTokens: number;
  readonly cacheReadInputTokens: number;
  /** cache read ÷ (input + cache creation + cache read), 0 to 1; 0 when there was no prompt. */
  readonly cacheHitRate: number;
  readonly costUsd: number;
}

/** cache read ÷ (input + cache creation + cache read); 0 for an empty prompt. */
export function cacheHitRate(
  inputTokens: number,
  cacheCreationInputTokens: number,
  cacheReadInputTokens: number,
) {
  const prompt = inputTokens + cacheCreationInputTokens + cacheReadInputTokens;
  return prompt === 0 ? 0 : cacheReadInputTokens / prompt;
}

/** The sum of report rows, with `key: 'total'` and the hit rate recomputed from the summed tokens. */
export function totalUsageRow(rows: readonly UsageRow[]): UsageRow {
  let requests = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let cacheCreationInputTokens = 0;
  let cacheReadInputTokens = 0;
  let costUsd = 0;
  for (const row of rows) {
    requests += row.requests;
    inputTokens += row.inputTokens;
    outputTokens += row.outputTokens;
    cacheCreationInputTokens += row.cacheCreationInputTokens;
    cacheReadInputTokens += row.cacheReadInputTokens;
    costUsd += row.costUsd;
  }
  return {
    key: 'total',
    requests,
    inputTokens,
    outputTokens,
    cacheCreationInputTokens,
    cacheReadInputTokens,
    cacheHitRate: cacheHitRate(inputTokens, cacheCreationInputTokens, cacheReadInputTokens),
    costUsd,
  };
}
