/** Spend in one budget window. */
export interface BudgetTotals {
  /** USD. */
  readonly costUsd: number;
  /** Tokens, as {@link usageTokens} counts them. */
  readonly tokens: number;
}

/** What a counter holds in one window: settled spend, and what reservations of requests in flight still hold. */
export interface BudgetCounterTotals extends BudgetTotals {
  /** USD held by unexpired reservations. */
  readonly reservedCostUsd: number;
  /** Tokens held by unexpired reservations. */
  readonly reservedTokens: number;
}

/** An amount on one counter's window: what a reservation holds, or what a settled request spent. */
export interface BudgetAmount {
  /** E.g. `provider:anthropic:day`. */
  readonly counter: string;
  /** Start of the window, ms since the epoch (UTC midnight or the first of the month). */
  readonly windowStartInMs: number;
  /** End of the window (exclusive): a shared store lets the counter expire after it. */
  readonly windowEndInMs: number;
  /** USD. */
  readonly costUsd: number;
  readonly tokens: number;
}

/** One line of a reservation: an amount and the caps of its counter's window. */
export interface BudgetHold extends BudgetAmount {
  /** Refused while the window's settled + reserved USD is at or above this; `undefined`: no USD cap. */
  readonly limitUsd?: number | undefined;
  /** Refused while the window's settled + reserved tokens are at or above this; `undefined`: no token cap. */
  readonly limitTokens?: number | undefined;
}

/** A reservation to take: every hold, or none. */
export interface BudgetReserveRequest {
  /** Unique among the store's users (every instance sharing it), e.g. a random prefix and a sequence number. */
  readonly id: string;
  readonly holds: readonly BudgetHold[];
  /** The caller's clock, ms since the epoch: reservations that expired by then no longer count. */
  readonly nowInMs: number;
  /** When the reservation stops counting if it is never settled (a crashed instance, a lost request). */
  readonly expiresAtInMs: number;
}

/** A store's answer to {@link BudgetStore.reserve}. */
export type BudgetReserveResult =
  | { readonly granted: true }
  /** `refusedHold`: index in `holds` of the first hold whose window is used up. */
  | { readonly granted: false; readonly refusedHold: number };

/** Ends a reservation: its holds are released and the actual spend is added, in one step. */
export interface BudgetSettleRequest {
  /** The id given to `reserve`; `undefined` adds `spend` only. */
  readonly id: string | undefined;
  /** The holds reserved under `id` (their counters and windows: the store keeps the amounts). */
  readonly holds: readonly BudgetAmount[];
  /** What the request actually spent, per counter and window (may name other counters than `holds`). */
  readonly spend: readonly BudgetAmount[];
}

/**
 * Where budget counters live: numbers per counter and window. `read` and `add` are synchronous so that checks stay
 * cheap on the request path (a shared store answers them from a local replica). `reserve` is atomic over all its
 * holds and may answer asynchronously when the decision is made elsewhere (a store shared by several instances).
 * A store may forget a counter's older windows.
 */
export interface BudgetStore {
  /** Adds spend to `counter` in the window starting at `windowStartInMs`. */
  add(counter: string, windowStartInMs: number, costUsd: number, tokens: number): void;
  /** The spend and reservations of `counter` in the window starting at `windowStartInMs`; zero when none. */
  read(counter: string, windowStartInMs: number): BudgetCounterTotals;
  /**
   * Takes every hold, or none when a hold's window is used up (settled + reserved at or above a limit): a
   * reservation that starts under the cap is granted, so spend passes a cap by at most one request.
   */
  reserve(request: BudgetReserveRequest): BudgetReserveResult | Promise<BudgetReserveResult>;
  /** Releases a reservation (a no-op once it expired or was settled) and adds the actual spend. Never throws. */
  settle(request: BudgetSettleRequest): void;
  /**
   * Raises each window's settled spend to at least the given amount, never lowering it: for a shared store that can
   * lose its counters (a Redis restarted without persistence), refilled from the ledger every instance writes, as
   * often as the store comes back. Absent on a store that cannot lose them (this process's memory). Never rejects.
   */
  raiseTo?(amounts: readonly BudgetAmount[]): Promise<void>;
}

interface Counter {
  windowStartInMs: number;
  costUsd: number;
  tokens: number;
  reservedCostUsd: number;
  reservedTokens: number;
}

interface Reservation {
  readonly expiresAtInMs: number;
  readonly holds: readonly BudgetHold[];
}

const empty: BudgetCounterTotals = Object.freeze({
  costUsd: 0,
  tokens: 0,
  reservedCostUsd: 0,
  reservedTokens: 0,
});

/**
 * An in-process {@link BudgetStore}: one Map entry per counter, holding only its latest window, and the
 * reservations in flight. Synchronous throughout.
 */
export function createMemoryBudgetStore(): BudgetStore {
  const counters = new Map<string, Counter>();
  // In the order they were taken: with one time-to-live, also in the order they expire.
  const reservations = new Map<string, Reservation>();

  function counterFor(name: string, windowStartInMs: number): Counter | undefined {
    const current = counters.get(name);
    if (current === undefined || windowStartInMs > current.windowStartInMs) {
      const fresh = { windowStartInMs, costUsd: 0, tokens: 0, reservedCostUsd: 0, reservedTokens: 0 };
      counters.set(name, fresh);
      return fresh;
    }
    // A window older than the counter's (the clock went back) is already over: nothing is counted there.
    return windowStartInMs === current.windowStartInMs ? current : undefined;
  }

  function add(name: string, windowStartInMs: number, costUsd: number, tokens: number): void {
    const counter = counterFor(name, windowStartInMs);
    if (counter === undefined) return;
    counter.costUsd += costUsd;
    counter.tokens += tokens;
  }

  function release(id: string): void {
    const reservation = reservations.get(id);
    if (reservation === undefined) return;
    reservations.delete(id);
    for (const hold of reservation.holds) {
      const counter = counters.get(hold.counter);
      if (counter === undefined || counter.windowStartInMs !== hold.windowStartInMs) continue;
      // Float sums of the same amounts added and taken away can leave a residue just under zero.
      counter.reservedCostUsd = Math.max(0, counter.reservedCostUsd - hold.costUsd);
      counter.reservedTokens = Math.max(0, counter.reservedTokens - hold.tokens);
    }
  }

  function releaseExpired(nowInMs: number): void {
    for (const [id, reservation] of reservations) {
      if (reservation.expiresAtInMs > nowInMs) return;
      release(id);
    }
  }

  function read(name: string, windowStartInMs: number): BudgetCounterTotals {
    const current = counters.get(name);
    return current !== undefined && current.windowStartInMs === windowStartInMs ? current : empty;
  }

  return {
    add,
    read,
    reserve({ id, holds, nowInMs, expiresAtInMs }) {
      releaseExpired(nowInMs);
      const refusedHold = holds.findIndex((hold) => usedUp(hold, read(hold.counter, hold.windowStartInMs)));
      if (refusedHold !== -1) return { granted: false, refusedHold };
      for (const hold of holds) {
        const counter = counterFor(hold.counter, hold.windowStartInMs);
        if (counter === undefined) continue;
        counter.reservedCostUsd += hold.costUsd;
        counter.reservedTokens += hold.tokens;
      }
      reservations.set(id, { expiresAtInMs, holds });
      return granted;
    },
    settle({ id, spend }) {
      if (id !== undefined) release(id);
      for (const amount of spend) add(amount.counter, amount.windowStartInMs, amount.costUsd, amount.tokens);
    },
  };
}

const granted: BudgetReserveResult = Object.freeze({ granted: true });

/** Whether a hold's window is used up: settled + reserved spend at or above one of its limits. */
export function usedUp(hold: BudgetHold, totals: BudgetCounterTotals): boolean {
  return (
    (hold.limitUsd !== undefined && totals.costUsd + totals.reservedCostUsd >= hold.limitUsd) ||
    (hold.limitTokens !== undefined && totals.tokens + totals.reservedTokens >= hold.limitTokens)
  );
}
