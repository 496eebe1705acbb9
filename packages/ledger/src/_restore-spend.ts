import type { Subject } from './_budget-caps.js';
import type { UtcWindows } from './_utc-windows.js';
import type { BudgetAmount, BudgetStore } from './budget-store.js';
import type { Ledger } from './create-ledger.js';

/**
 * Adds to `store` what `ledger` holds for `subject` in the current day and month from before `createdAtInMs`, so
 * budgets survive a restart without counting twice.
 */
export function restoreSpend(
  ledger: Pick<Ledger, 'spend'>,
  store: BudgetStore,
  subject: Subject,
  current: UtcWindows,
  createdAtInMs: number,
): void {
  const { dayStartInMs, monthStartInMs } = current;
  // Only what happened before this process started: later requests come through `add`.
  const restoreWindow = (counter: string, sinceInMs: number) => {
    if (sinceInMs >= createdAtInMs) return;
    const spent = ledger.spend({
      scope: subject.scope,
      name: subject.name,
      sinceInMs,
      untilInMs: createdAtInMs,
    });
    if (spent.costUsd !== 0 || spent.tokens !== 0) store.add(counter, sinceInMs, spent.costUsd, spent.tokens);
  };
  restoreWindow(subject.dayCounter, dayStartInMs);
  restoreWindow(subject.monthCounter, monthStartInMs);
}

/**
 * What `source` holds for each subject in the current day and month up to `untilInMs`, as amounts for the store's
 * `raiseTo`; a window without spend is left out.
 */
export function ledgerSpendAmounts(
  source: Pick<Ledger, 'spend'>,
  subjects: readonly Subject[],
  current: UtcWindows,
  untilInMs: number,
): BudgetAmount[] {
  const amounts: BudgetAmount[] = [];
  const windowsOfSubject = [
    ['dayCounter', current.dayStartInMs, current.dayEndInMs],
    ['monthCounter', current.monthStartInMs, current.monthEndInMs],
  ] as const;
  for (const subject of subjects) {
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
  return amounts;
}
