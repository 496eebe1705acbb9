import { randomBytes } from 'node:crypto';
import { type Cap, capsOf, describe, resetsAt, type Subject, subjectOf, windowsOf } from './_budget-caps.js';
import { checkNumberOption } from './_check-option.js';
import { ledgerSpendAmounts, restoreSpend } from './_restore-spend.js';
import { type UtcWindows, utcWindows } from './_utc-windows.js';
import type { Budget } from './budget.js';
import {
  type BudgetAmount,
  type BudgetHold,
  type BudgetStore,
  createMemoryBudgetStore,
  usedUp,
} from './budget-store.js';
import type {
  BudgetCheck,
  BudgetEntry,
  BudgetReservation,
  BudgetReserveOutcome,
  BudgetStatus,
  Budgets,
} from './budgets.js';
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
    restoreSpend(ledger, store, subject, currentWindows(), createdAtInMs);
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
      return store.raiseTo(
        ledgerSpendAmounts(source, [...providers.values(), ...keys.values()], current, untilInMs),
      );
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
