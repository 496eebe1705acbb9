import type { Usage } from '@ccb/protocol';
/**
 * What one model costs, in USD per million tokens. The field names carry no unit because every field has the
 * same one, and they are the keys users write in a price file.
 */
export interface Price {
  /** Uncached input tokens. */
  readonly input: number;
  /** Cache writes with the 5-minute TTL (list price: 1.25 × input). */
  readonly cacheWrite5m: number;
  /** Cache writes with the 1-hour TTL (list price: 2 × input). */
  readonly cacheWrite1h: number;
  /** Cache reads (list price: 0.1 × input; less for some newer models). */
  readonly cacheRead: number;
  /** Output tokens (thinking included). */
  readonly output: number;
}

/** A higher price that applies to a whole request once its prompt passes a size (Haiku 5.5 above 100 K tokens). */
export interface PriceTier {
  /** The tier applies when the prompt (input + cache write + cache read tokens) is greater than this. */
  readonly promptTokensAbove: number;
  readonly price: Price;
}

/**
 * One row of a {@link PriceTable}. Give exactly one of `family` and `pattern`.
 *
 * JSON shape: `{ "family": "claude-sonnet-4-6", "price": { "input": 3, "cacheWrite5m": 3.75, "cacheWrite1h": 6,
 * "cacheRead": 0.3, "output": 15 } }`, or `{ "pattern": "deepseek-*", "price": { … } }`.
 */
export interface PriceTableEntry {
  /**
   * A model family as `parseModelId(model).canonical` of `@ccb/protocol` names it (`claude-<kind>-<major>[-<minor>]`, e.g. `claude-opus-4-1`,
   * `claude-haiku-3`). It matches every id of that family: dated, `-latest`, Vertex (`@date`), Bedrock
   * (`anthropic.…-v1:0`, `us.anthropic.…`) and old-style (`claude-3-7-sonnet-…`) ids.
   */
  readonly family?: string;
  /** A glob (`*` any run, `?` one character, case-sensitive, whole id) against the model id as sent. */
  readonly pattern?: string;
  readonly price: Price;
  /** Optional higher price for long prompts. */
  readonly tier?: PriceTier;
}

/** An ordered list of prices; the first entry that matches a model wins. Plain JSON-able data. */
export type PriceTable = readonly PriceTableEntry[];

const perMillion = 1_000_000;

/**
 * The cost of `usage` at `price`, in USD: input × in + 5-minute writes × w5 + 1-hour writes × w1h + cache reads ×
 * r + output × out, per million tokens. Without a 5 m / 1 h split every cache write counts as 5-minute (the
 * default TTL); with half a split the other half is the rest of the total.
 */
export function costOf(usage: Usage, price: Price): number {
  const cacheWrites = usage.cacheCreationInputTokens;
  const fiveMinuteGiven = usage.cacheCreation5mInputTokens;
  const oneHourGiven = usage.cacheCreation1hInputTokens;
  const oneHour =
    oneHourGiven ?? (fiveMinuteGiven === undefined ? 0 : Math.max(0, cacheWrites - fiveMinuteGiven));
  const fiveMinutes = fiveMinuteGiven ?? Math.max(0, cacheWrites - oneHour);
  return (
    (usage.inputTokens * price.input +
      fiveMinutes * price.cacheWrite5m +
      oneHour * price.cacheWrite1h +
      usage.cacheReadInputTokens * price.cacheRead +
      usage.outputTokens * price.output) /
    perMillion
  );
}

/** The prompt size of a request in tokens: input + cache writes + cache reads (what selects a {@link PriceTier}). */
export function promptTokens(usage: Usage): number {
  return usage.inputTokens + usage.cacheCreationInputTokens + usage.cacheReadInputTokens;
}

/**
 * Every token of a request: prompt (input + cache writes + cache reads) + output. This is the `tokens` the ledger's
 * `spend()` sums and what token budgets count, so pass the same number to `Budgets.add`.
 */
export function usageTokens(usage: Usage): number {
  return usage.inputTokens + usage.cacheCreationInputTokens + usage.cacheReadInputTokens + usage.outputTokens;
}
