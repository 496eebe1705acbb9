/** Spend in one budget window. */
export interface BudgetTotals {
  /** USD. */
  readonly costUsd: number;
  /** Tokens, as {@link usageTokens} counts them. */
  readonly tokens: number;
}

/**
 * Where budget counters live: plain numbers per counter and window, synchronous so that `check` stays cheap on the
 * request path. A counter is a string such as `provider:anthropic:day`; a window is identified by its start (ms
 * since the epoch, UTC midnight or the first of the month). A store may forget a counter's older windows.
 */
export interface BudgetStore {
  /** Adds spend to `counter` in the window starting at `windowStartInMs`. */
  add(counter: string, windowStartInMs: number, costUsd: number, tokens: number): void;
  /** The spend of `counter` in the window starting at `windowStartInMs`; zero when none was added. */
  read(counter: string, windowStartInMs: number): BudgetTotals;
}

interface Counter {
  windowStartInMs: number;
  costUsd: number;
  tokens: number;
}

const empty: BudgetTotals = Object.freeze({ costUsd: 0, tokens: 0 });

/** An in-process {@link BudgetStore}: one Map entry per counter, holding only its latest window. */
export function createMemoryBudgetStore(): BudgetStore {
  const counters = new Map<string, Counter>();
  return {
    add(counter, windowStartInMs, costUsd, tokens) {
      const current = counters.get(counter);
      if (current === undefined || windowStartInMs > current.windowStartInMs) {
        counters.set(counter, { windowStartInMs, costUsd, tokens });
      } else if (windowStartInMs === current.windowStartInMs) {
        current.costUsd += costUsd;
        current.tokens += tokens;
      }
      // An add for an older window (the clock went back) is dropped: that window is already over.
    },
    read(counter, windowStartInMs) {
      const current = counters.get(counter);
      return current !== undefined && current.windowStartInMs === windowStartInMs ? current : empty;
    },
  };
}
