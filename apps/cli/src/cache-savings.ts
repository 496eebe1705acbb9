import { cacheHitRate, type Price } from '@ccb/ledger';

/** Prompt-cache tokens and what cache reads saved, counted since {@link CacheSavingsTotals.sinceInMs}. */
export interface CacheSavingsTotals {
  /** Start of the count, ms since the epoch: the later of UTC midnight and the counter's creation. */
  readonly sinceInMs: number;
  readonly inputTokens: number;
  readonly cacheCreationInputTokens: number;
  readonly cacheReadInputTokens: number;
  /** cache read ÷ all prompt tokens, 0 to 1. */
  readonly hitRate: number;
  /** Cache-read tokens priced at the input price minus the cache-read price, in USD. */
  readonly savedUsd: number;
}

/** The prompt tokens of one billed response and the price it was billed at (`undefined`: no price). */
export interface CacheSavingsEntry {
  readonly inputTokens: number;
  readonly cacheCreationInputTokens: number;
  readonly cacheReadInputTokens: number;
  readonly price: Price | undefined;
}

/** Counts today's prompt-cache use in memory; a new UTC day starts from zero. */
export interface CacheSavings {
  add(entry: CacheSavingsEntry): void;
  totals(): CacheSavingsTotals;
}

const dayInMs = 86_400_000;

/**
 * Counts per request because the price of a cache read depends on the provider, the model and the prompt's tier,
 * which the ledger's one-dimension reports cannot give together. A few additions per finished request.
 */
export function createCacheSavings(now: () => number = Date.now): CacheSavings {
  let sinceInMs = now();
  let dayEndInMs = Math.floor(sinceInMs / dayInMs) * dayInMs + dayInMs;
  let inputTokens = 0;
  let cacheCreationInputTokens = 0;
  let cacheReadInputTokens = 0;
  let savedUsd = 0;
  const rollOver = () => {
    const nowInMs = now();
    if (nowInMs < dayEndInMs) return;
    sinceInMs = Math.floor(nowInMs / dayInMs) * dayInMs;
    dayEndInMs = sinceInMs + dayInMs;
    inputTokens = 0;
    cacheCreationInputTokens = 0;
    cacheReadInputTokens = 0;
    savedUsd = 0;
  };
  return {
    add(entry) {
      rollOver();
      inputTokens += entry.inputTokens;
      cacheCreationInputTokens += entry.cacheCreationInputTokens;
      cacheReadInputTokens += entry.cacheReadInputTokens;
      if (entry.price !== undefined && entry.cacheReadInputTokens > 0) {
        // A provider whose cache reads cost more than input (never seen, but prices are user input) saved nothing.
        savedUsd +=
          (Math.max(0, entry.price.input - entry.price.cacheRead) * entry.cacheReadInputTokens) / 1_000_000;
      }
    },
    totals() {
      rollOver();
      return {
        sinceInMs,
        inputTokens,
        cacheCreationInputTokens,
        cacheReadInputTokens,
        hitRate: cacheHitRate(inputTokens, cacheCreationInputTokens, cacheReadInputTokens),
        savedUsd,
      };
    },
  };
}
