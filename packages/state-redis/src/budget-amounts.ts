/** The amounts the Redis budget store moves: what `@ccb/ledger`'s budget store hands it, in its own names. */

/** Totals of one counter's window: settled spend and what reservations hold (USD and tokens). */
export interface RedisBudgetTotals {
  readonly costUsd: number;
  readonly tokens: number;
  readonly reservedCostUsd: number;
  readonly reservedTokens: number;
}

/** An amount on one counter's window (the shape `@ccb/ledger`'s budget store takes). */
export interface RedisBudgetAmount {
  readonly counter: string;
  readonly windowStartInMs: number;
  /** The Redis keys of the window expire after it (plus `keyGraceInMs`). */
  readonly windowEndInMs: number;
  readonly costUsd: number;
  readonly tokens: number;
}

/** One line of a reservation, with the limits its window must be under. */
export interface RedisBudgetHold extends RedisBudgetAmount {
  readonly limitUsd?: number | undefined;
  readonly limitTokens?: number | undefined;
}

export type RedisBudgetReserveResult =
  | { readonly granted: true }
  | { readonly granted: false; readonly refusedHold: number };
