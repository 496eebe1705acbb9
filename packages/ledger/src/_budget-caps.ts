import { checkNumberOption } from './_check-option.js';
import { formatInteger, formatUsd } from './_format-number.js';
import type { UtcWindows } from './_utc-windows.js';
import type { Budget } from './budget.js';
import type { BudgetHold, BudgetTotals } from './budget-store.js';
import { LedgerError } from './ledger-error.js';

/** Budget caps and the subjects they apply to: validation, descriptions, and the holds a reservation takes. */

/** One cap of a budget: a limit on one metric in one window. */
export interface Cap {
  readonly window: 'day' | 'month';
  readonly metric: 'usd' | 'tokens';
  readonly limit: number;
}

/** A provider or key with its caps and the counters they read. */
export interface Subject {
  readonly scope: 'provider' | 'key';
  readonly name: string;
  readonly caps: readonly Cap[];
  readonly dayCounter: string;
  readonly monthCounter: string;
  /** The tightest caps of each window, for reservations; `undefined`: the window has no cap. */
  readonly dayLimits: Limits | undefined;
  readonly monthLimits: Limits | undefined;
}

export interface Limits {
  readonly usd: number | undefined;
  readonly tokens: number | undefined;
}

const capFields = [
  ['dailyUsd', 'day', 'usd'],
  ['monthlyUsd', 'month', 'usd'],
  ['dailyTokens', 'day', 'tokens'],
  ['monthlyTokens', 'month', 'tokens'],
] as const;

function invalidBudget(index: number, problem: string): LedgerError {
  return new LedgerError('CCB_LEDGER_INVALID_OPTIONS', `createBudgets: budgets[${index}] ${problem}`);
}

/** The caps of `budgets[index]`, validated. @throws {LedgerError} `CCB_LEDGER_INVALID_OPTIONS`. */
export function capsOf(budget: Budget, index: number): Cap[] {
  if (typeof budget !== 'object' || budget === null) throw invalidBudget(index, 'must be an object');
  if (budget.scope !== 'provider' && budget.scope !== 'key') {
    throw invalidBudget(index, `scope must be 'provider' or 'key', got ${String(budget.scope)}`);
  }
  if (typeof budget.name !== 'string' || budget.name === '')
    throw invalidBudget(index, 'name must be a non-empty string');
  if (budget.name === '*' && budget.scope !== 'key')
    throw invalidBudget(index, "name '*' is only for scope 'key'");
  const caps: Cap[] = [];
  for (const [field, window, metric] of capFields) {
    const limit = budget[field];
    if (limit === undefined) continue;
    checkNumberOption(`createBudgets: budgets[${index}]`, field, limit, { minimum: 0 });
    caps.push({ window, metric, limit });
  }
  if (caps.length === 0) {
    throw invalidBudget(index, 'has no cap; set dailyUsd, monthlyUsd, dailyTokens or monthlyTokens');
  }
  return caps;
}

/** A cap as `check` and refusals name it, e.g. `daily spend of provider x ($5.00)`. */
export function describe(cap: Cap, subject: Subject): string {
  const window = cap.window === 'day' ? 'daily' : 'monthly';
  const limit = cap.metric === 'usd' ? formatUsd(cap.limit) : `${formatInteger(cap.limit)} tokens`;
  return `${window} ${cap.metric === 'usd' ? 'spend' : 'tokens'} of ${subject.scope} ${subject.name} (${limit})`;
}

/** A provider's or key's subject: its caps, the counters they read, and each window's tightest caps. */
export function subjectOf(scope: 'provider' | 'key', name: string, caps: readonly Cap[]): Subject {
  return {
    scope,
    name,
    caps,
    dayCounter: `${scope}:${name}:day`,
    monthCounter: `${scope}:${name}:month`,
    dayLimits: limitsOf(caps, 'day'),
    monthLimits: limitsOf(caps, 'month'),
  };
}

/** The end of `cap`'s current window, ms since the epoch. */
export function resetsAt(cap: Cap, current: UtcWindows): number {
  return cap.window === 'day' ? current.dayEndInMs : current.monthEndInMs;
}

/** The tightest USD and token caps of one window; `undefined` when the window has none. */
export function limitsOf(caps: readonly Cap[], window: 'day' | 'month'): Limits | undefined {
  let usd: number | undefined;
  let tokens: number | undefined;
  for (const cap of caps) {
    if (cap.window !== window) continue;
    if (cap.metric === 'usd') usd = usd === undefined ? cap.limit : Math.min(usd, cap.limit);
    else tokens = tokens === undefined ? cap.limit : Math.min(tokens, cap.limit);
  }
  return usd === undefined && tokens === undefined ? undefined : { usd, tokens };
}

/**
 * `amount` on a subject's day and month counters. With `cappedOnly`, only the windows that have caps, with their
 * limits (a reservation holds only what a cap can refuse); otherwise both windows (spend counts everywhere).
 */
export function windowsOf(
  subject: Subject,
  current: UtcWindows,
  amount: BudgetTotals,
  cappedOnly: boolean,
): BudgetHold[] {
  const holds: BudgetHold[] = [];
  const windows = [
    [subject.dayCounter, current.dayStartInMs, current.dayEndInMs, subject.dayLimits],
    [subject.monthCounter, current.monthStartInMs, current.monthEndInMs, subject.monthLimits],
  ] as const;
  for (const [counter, windowStartInMs, windowEndInMs, limits] of windows) {
    if (cappedOnly && limits === undefined) continue;
    holds.push({
      counter,
      windowStartInMs,
      windowEndInMs,
      costUsd: amount.costUsd,
      tokens: amount.tokens,
      ...(cappedOnly ? { limitUsd: limits?.usd, limitTokens: limits?.tokens } : {}),
    });
  }
  return holds;
}
