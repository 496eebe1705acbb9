import { randomBytes } from 'node:crypto';
import { type Cap, capsOf, describe, limitsOf, type Subject, windowsOf } from './_budget-caps.js';
import { checkNumberOption } from './_check-option.js';
import { type UtcWindows, utcWindows } from './_utc-windows.js';
import type { Budget } from './budget.js';
import {
  type BudgetAmount,
  type BudgetHold,
  type BudgetStore,
  createMemoryBudgetStore,
  usedUp,
} from './budget-store.js';
import type { Ledger } from './create-ledger.js';
import { LedgerError } from './ledger-error.js';

export type { Budget } from './budget.js';

/** Options of {@link createBudgets}. */
export interface BudgetsOptions {
  readonly budgets: readonly Budget[];
  /** Clock, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Where the current day's and month's spend is read back from, so budgets survive a restart. */
  readonly ledger?: Pick<Ledger, 'spend'> & Partial<Pick<Ledger, 'prepareSpend'>>;
  /** Counter storage. Default {@link createMemoryBudgetStore}. */
  readonly store?: BudgetStore;
  /** Receives ledger read failures while restoring a key first seen after start. Default: `process.emitWarning`. */
  readonly onError?: (error: unknown) => void;
  /**
   * How long a reservation counts when it is never settled or released (a crashed instance, a lost request), in ms.
   * Settle long streams within it: one settled later still counts its spend, but its reservation ended before.
   * Default 900 000 (15 minutes).
   */
  readonly reservationTtlInMs?: number;
}

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

const notExceeded: BudgetCheck = Object.freeze({ exceeded: false });

/**
 * Creates budget counters for the given caps. Windows are the UTC calendar day and month and reset at their
 * boundary. With a `ledger`, the spend of the current day and month up to now is read back at creation (for a key
 * under a `'*'` budget: when the key is first seen), so budgets survive a restart without counting twice.
 *
 * @throws {LedgerError} `CCB_LEDGER_INVALID_OPTIONS` for a malformed budget; the ledger's errors while restoring.
 */
export function createBudgets(options: BudgetsOptions): Budgets {
  if (!Array.isArray(options?.budgets)) {
    throw new LedgerError('CCB_LEDGER_INVALID_OPTIONS', 'createBudgets: budgets must be a list');
  }
  const now = options.now ?? Date.now;
  const store = options.store ?? createMemoryBudgetStore();
  const ledger = options.ledger;
  const onError = options.onError ?? ((error: unknown) => process.emitWarning(error as Error));
  const reservationTtlInMs = options.reservationTtlInMs ?? 900_000;
  checkNumberOption('createBudgets', 'reservationTtlInMs', reservationTtlInMs, { minimum: 1 });
  const createdAtInMs = now();
  let windows: UtcWindows = utcWindows(createdAtInMs);

  const providerCaps = new Map<string, Cap[]>();
  const keyCaps = new Map<string, Cap[]>();
  const everyKeyCaps: Cap[] = [];
  options.budgets.forEach((budget, index) => {
    const caps = capsOf(budget, index);
    if (budget.scope === 'key' && budget.name === '*') {
      everyKeyCaps.push(...caps);
      return;
    }
    const byName = budget.scope === 'provider' ? providerCaps : keyCaps;
    byName.set(budget.name, [...(byName.get(budget.name) ?? []), ...caps]);
  });

  const providers = new Map<string, Subject>();
  const keys = new Map<string, Subject>();
  // The read-back queries need indexes; building them now keeps that work off the first request of a new key.
  if (options.budgets.length > 0) ledger?.prepareSpend?.();

  function currentWindows(): UtcWindows {
    const time = now();
    if (time >= windows.dayEndInMs || time < windows.dayStartInMs) windows = utcWindows(time);
    return windows;
  }

  function restore(subject: Subject): void {
    if (ledger === undefined) return;
    const { dayStartInMs, monthStartInMs } = currentWindows();
    // Only what happened before this process started: later requests come through `add`.
    const restoreWindow = (counter: string, sinceInMs: number) => {
      if (sinceInMs >= createdAtInMs) return;
      const spent = ledger.spend({
        scope: subject.scope,
        name: subject.name,
        sinceInMs,
        untilInMs: createdAtInMs,
      });
      if (spent.costUsd !== 0 || spent.tokens !== 0)
        store.add(counter, sinceInMs, spent.costUsd, spent.tokens);
    };
    restoreWindow(subject.dayCounter, dayStartInMs);
    restoreWindow(subject.monthCounter, monthStartInMs);
  }

  function subjectOf(scope: 'provider' | 'key', name: string, caps: readonly Cap[]): Subject {
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

  for (const [name, caps] of providerCaps) {
    const subject = subjectOf('provider', name, caps);
    providers.set(name, subject);
    restore(subject);
  }
  for (const [name, caps] of keyCaps) {
    const subject = subjectOf('key', name, [...caps, ...everyKeyCaps]);
    keys.set(name, subject);
    restore(subject);
  }

  function keySubject(keyId: string): Subject | undefined {
    const known = keys.get(keyId);
    if (known !== undefined || everyKeyCaps.length === 0) return known;
    const subject = subjectOf('key', keyId, everyKeyCaps);
    keys.set(keyId, subject);
    try {
      restore(subject);
    } catch (error) {
      // Budgets sit on the request path: a failed read-back must not fail the request.
      onError(error);
    }
    return subject;
  }

  function used(subject: Subject, cap: Cap, current: UtcWindows): number {
    const totals =
      cap.window === 'day'
        ? store.read(subject.dayCounter, current.dayStartInMs)
        : store.read(subject.monthCounter, current.monthStartInMs);
    return cap.metric === 'usd' ? totals.costUsd : totals.tokens;
  }

  function resetsAt(cap: Cap, current: UtcWindows): number {
    return cap.window === 'day' ? current.dayEndInMs : current.monthEndInMs;
  }

  /** The budgeted subjects of a request: its provider's and its key's, when they have budgets. */
  function subjectsOf(entry: { provider?: string | null; keyId?: string | null }): Subject[] {
    const subjects: Subject[] = [];
    const provider = entry.provider == null ? undefined : providers.get(entry.provider);
    if (provider !== undefined) subjects.push(provider);
    const key = entry.keyId == null ? undefined : keySubject(entry.keyId);
    if (key !== undefined) subjects.push(key);
    return subjects;
  }

  function spendOf(entry: BudgetEntry, current: UtcWindows): BudgetAmount[] {
    const spend: BudgetAmount[] = [];
    for (const subject of subjectsOf(entry)) {
      for (const hold of windowsOf(subject, current, entry, false)) spend.push(hold);
    }
    return spend;
  }

  function add(entry: BudgetEntry): void {
    const spend = spendOf(entry, currentWindows());
    if (spend.length > 0) store.settle({ id: undefined, holds: [], spend });
  }

  function refusal(subject: Subject, window: 'day' | 'month', current: UtcWindows) {
    const counter = window === 'day' ? subject.dayCounter : subject.monthCounter;
    const totals = store.read(counter, window === 'day' ? current.dayStartInMs : current.monthStartInMs);
    // The cap the store refused for; when the replica has not seen it used up yet, the tightest of the window.
    const usedUpCap =
      subject.caps.find(
        (cap) =>
          cap.window === window &&
          (cap.metric === 'usd'
            ? totals.costUsd + totals.reservedCostUsd
            : totals.tokens + totals.reservedTokens) >= cap.limit,
      ) ?? (subject.caps.find((cap) => cap.window === window) as Cap);
    return {
      granted: false as const,
      budget: describe(usedUpCap, subject),
      resetsAt: resetsAt(usedUpCap, current),
    };
  }

  function reservationOf(id: string, holds: readonly BudgetHold[]): BudgetReservation {
    let open = true;
    return {
      settle(entry) {
        if (!open) return;
        open = false;
        store.settle({ id, holds, spend: spendOf(entry, currentWindows()) });
      },
      release() {
        if (!open) return;
        open = false;
        store.settle({ id, holds, spend: [] });
      },
    };
  }

  const unreserved: BudgetReserveOutcome = Object.freeze({
    granted: true,
    reservation: Object.freeze({ settle: add, release() {} }),
  });
  const idPrefix = randomBytes(6).toString('hex');
  let sequence = 0;

  return {
    add,
    check(scope, name) {
      const subject = scope === 'provider' ? providers.get(name) : keySubject(name);
      if (subject === undefined) return notExceeded;
      const current = currentWindows();
      let exceeded: Cap | undefined;
      for (const cap of subject.caps) {
        if (used(subject, cap, current) < cap.limit) continue;
        if (exceeded === undefined || resetsAt(cap, current) > resetsAt(exceeded, current)) exceeded = cap;
      }
      if (exceeded === undefined) return notExceeded;
      return { exceeded: true, budget: describe(exceeded, subject), resetsAt: resetsAt(exceeded, current) };
    },
    snapshot() {
      const current = currentWindows();
      const statuses: BudgetStatus[] = [];
      for (const subjects of [providers, keys]) {
        for (const subject of subjects.values()) {
          for (const cap of subject.caps) {
            const spent = used(subject, cap, current);
            statuses.push({
              scope: subject.scope,
              name: subject.name,
              window: cap.window,
              metric: cap.metric,
              limit: cap.limit,
              used: spent,
              resetsAt: resetsAt(cap, current),
              exceeded: spent >= cap.limit,
              budget: describe(cap, subject),
            });
          }
        }
      }
      return statuses;
    },
    applies(scope, name) {
      return (scope === 'provider' ? providers.get(name) : keySubject(name)) !== undefined;
    },
    reserve(claim) {
      const subjects = subjectsOf(claim);
      if (subjects.length === 0) return unreserved;
      const current = currentWindows();
      const holds: BudgetHold[] = [];
      const owners: [Subject, 'day' | 'month'][] = [];
      for (const subject of subjects) {
        for (const hold of windowsOf(subject, current, claim, true)) {
          holds.push(hold);
          owners.push([subject, hold.counter === subject.dayCounter ? 'day' : 'month']);
        }
      }
      const id = `${idPrefix}:${(sequence++).toString(36)}`;
      const nowInMs = now();
      const decide = (result: { granted: boolean; refusedHold?: number }): BudgetReserveOutcome => {
        if (result.granted) return { granted: true, reservation: reservationOf(id, holds) };
        const [subject, window] =
          owners[result.refusedHold ?? 0] ?? (owners[0] as [Subject, 'day' | 'month']);
        return refusal(subject, window, current);
      };
      const result = store.reserve({ id, holds, nowInMs, expiresAtInMs: nowInMs + reservationTtlInMs });
      return result instanceof Promise ? result.then(decide) : decide(result);
    },
    restoreFrom(source, untilInMs) {
      if (store.raiseTo === undefined) return Promise.resolve();
      const current = currentWindows();
      const amounts: BudgetAmount[] = [];
      const windowsOfSubject = [
        ['dayCounter', current.dayStartInMs, current.dayEndInMs],
        ['monthCounter', current.monthStartInMs, current.monthEndInMs],
      ] as const;
      for (const subject of [...providers.values(), ...keys.values()]) {
        for (const [counter, windowStartInMs, windowEndInMs] of windowsOfSubject) {
          const spent = source.spend({
            scope: subject.scope,
            name: subject.name,
            sinceInMs: windowStartInMs,
            untilInMs,
          });
          if (spent.costUsd === 0 && spent.tokens === 0) continue;
          amounts.push({
            counter: subject[counter],
            windowStartInMs,
            windowEndInMs,
            costUsd: spent.costUsd,
            tokens: spent.tokens,
          });
        }
      }
      return store.raiseTo(amounts);
    },
    canReserve(scope, name) {
      const subject = scope === 'provider' ? providers.get(name) : keySubject(name);
      if (subject === undefined) return true;
      const current = currentWindows();
      return windowsOf(subject, current, { costUsd: 0, tokens: 0 }, true).every(
        (hold) => !usedUp(hold, store.read(hold.counter, hold.windowStartInMs)),
      );
    },
  };
}
