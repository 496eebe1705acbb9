import type { GoalCheck } from './evaluate-goals.js';
import { formatTable } from './format-table.js';

const statusMark = { met: 'met', missed: 'MISSED', 'not measured': 'n/a' } as const;

/** The goals as a plain-text table, one line per check. */
export function formatGoals(checks: readonly GoalCheck[]): string {
  return formatTable(
    [
      { header: 'result', align: 'left' },
      { header: 'goal', align: 'left' },
      { header: 'scenario', align: 'left' },
      { header: 'measured', align: 'left' },
      { header: 'limit', align: 'left' },
    ],
    checks.map((check) => [
      statusMark[check.status],
      check.goal,
      check.scenario,
      check.measured,
      check.limit,
    ]),
  );
}
