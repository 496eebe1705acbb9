import type { Ledger } from './create-ledger.js';

/** Spend of one finished request. Pass what the ledger records: `costUsd` in USD and `tokens` = {@link usageTokens}. */
export interface BudgetEntry {
  readonly provider?: string | null | undefined;
  readonly keyId?: string | null | undefined;
  readonly costUsd: number;
  readonly tokens: number;
}

/** What a request may spend, estimated before it is sent: reserved against every budget of its provider and key. */
export interface BudgetClaim {
  readonly provider?: string | null | undefined;
  readonly keyId?: string | null | undefined;
  /** Estimated USD. */
  readonly costUsd: number;
  /** Estimated tokens, counted like {@link usageTokens}. */
  readonly tokens: number;
}

/** A granted reservation. The first `settle` or `release` ends it; later calls do nothing. */
export interface BudgetReservation {
  /** Releases what was reserved and counts what the request spent, toward the provider and key of `entry`. */
  settle(entry: BudgetEntry): void;
  /** Releases what was reserved and counts nothing (nothing was billed: refused, failed, cancelled before a byte). */
  release(): void;
}

/** The answer of {@link Budgets.reserve}. */
export type BudgetReserveOutcome =
  | { readonly granted: true; readonly reservation: BudgetReservation }
  | {
      readonly granted: false;
      /** Which cap is used up, as {@link BudgetCheck} names it. */
      readonly budget: string;
      /** When that window ends, ms since the epoch. */
      readonly resetsAt: number;
    };

/** The verdict of {@link Budgets.check}. */
export type BudgetCheck =
  | { readonly exceeded: false }
  | {
      readonly exceeded: true;
      /** Which cap, for logs and error messages, e.g. `daily spend of provider x ($5.00)`. */
      readonly budget: string;
      /** When that window ends, ms since the epoch (the latest of the exceeded caps). */
      readonly resetsAt: number;
    };

/** One cap of one provider or key, as {@link Budgets.snapshot} reports it. */
export interface BudgetStatus {
  readonly scope: 'provider' | 'key';
  /** Provider name or key fingerprint (each key of a `'*'` budget has its own status once seen). */
  readonly name: string;
  readonly window: 'day' | 'month';
  readonly metric: 'usd' | 'tokens';
  readonly limit: number;
  readonly used: number;
  /** End of the current window, ms since the epoch. */
  readonly resetsAt: number;
  readonly exceeded: boolean;
  /** The same description `check` gives. */
  readonly budget: string;
}

/** Budget windows and their counters. */
export interface Budgets {
  /** Counts one request's spend toward every budget of its provider and key. */
  add(entry: BudgetEntry): void;
  /** Whether a cap of `name` is used up (spend ≥ limit) in the current window. Unbudgeted names never are. */
  check(scope: 'provider' | 'key', name: string): BudgetCheck;
  /** Every cap with its current use. */
  snapshot(): BudgetStatus[];
  /** Whether a budget applies to `name` (a key under a `'*'` budget does). Unbudgeted names cost nothing anywhere. */
  applies(scope: 'provider' | 'key', name: string): boolean;
  /**
   * Reserves `claim` against every budget of its provider and key, all or none: refused when one of their windows
   * is used up (settled + reserved spend at or above a cap), so concurrent requests, also of other instances sharing
   * the store, stop within one request's cost of the cap. Synchronous with a local store; a promise when a shared
   * store decides. A claim no budget applies to is granted at once, without touching the store.
   */
  reserve(claim: BudgetClaim): BudgetReserveOutcome | Promise<BudgetReserveOutcome>;
  /**
   * Whether a reservation against `name`'s budgets would be granted now, as this process sees the store (for a
   * shared store: its local replica). Synchronous, no I/O; `true` for an unbudgeted name.
   */
  canReserve(scope: 'provider' | 'key', name: string): boolean;
  /**
   * Raises the store's counters of the current day and month to the spend `ledger` holds up to `untilInMs`, for
   * every budgeted provider and every key seen so far; never lowers one. For a shared store that lost its counters
   * (a restarted Redis): call it whenever the store comes back. Resolves at once for a store without `raiseTo`.
   * @throws the ledger's errors while reading (nothing is raised then)
   */
  restoreFrom(ledger: Pick<Ledger, 'spend'>, untilInMs: number): Promise<void>;
}
