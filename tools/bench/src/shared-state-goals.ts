import type { TargetRow } from './compare-targets.js';
import { formatNumber } from './format-table.js';
import type { GoalCheck } from './goal-check.js';
import { type PairedRatio, pairedMeasured, percent, times } from './paired-ratios.js';

/**
 * Issue 18's goal for the Redis state store and the PostgreSQL ledger: `ccb-shared` within 10 % of the default
 * ccb (memory state, SQLite ledger) in throughput and CPU per request. By design neither engine is on the
 * request path (a local replica of the state, batched ledger writes), so the gap should be noise.
 */
export const sharedStateGoalLimits = {
  /** ccb-shared RPS at least this share of ccb's (median of the per-round ratios). */
  minRpsRatio: 0.9,
  /** ccb-shared CPU per request at most this multiple of ccb's (median of the per-round ratios). */
  cpuFactor: 1.1,
} as const;

function statusOf(ratio: PairedRatio | undefined, isMet: (median: number) => boolean): GoalCheck['status'] {
  if (ratio === undefined || ratio.pairs === 0 || !Number.isFinite(ratio.median)) return 'not measured';
  return isMet(ratio.median) ? 'met' : 'missed';
}

/**
 * Issue 18's two goal lines for one scenario, from the ccb-shared row's per-round pairing with ccb
 * (`versusCcb`): RPS ≥ 90 % of ccb's and CPU per request ≤ 1.1× ccb's, each the median of the paired rounds.
 * Lines are `not measured` when the rounds could not be paired (e.g. no CPU time without /proc).
 */
export function sharedStateChecks(scenario: string, shared: TargetRow, ccb: TargetRow): GoalCheck[] {
  const limits = sharedStateGoalLimits;
  const engines = engineCpuPerRequestInUs(shared);
  // On one machine the engines' CPU comes out of the same cores as ccb's, the mock's and the load generator's;
  // shown so a throughput gap can be told from a cost in ccb (which the CPU line measures).
  const engineNote =
    engines === undefined
      ? ''
      : `; Redis + PostgreSQL used ${formatNumber(engines, 0)} µs/request of these cores`;
  const rps = shared.versusCcb?.rpsRatio;
  const cpu = shared.versusCcb?.cpuPerRequestRatio;
  const cpuTotals = `; ${formatNumber(shared.cpuPerRequestInUs, 0)} vs ${formatNumber(ccb.cpuPerRequestInUs, 0)} µs over all rounds`;
  return [
    {
      goal: 'ccb-shared RPS vs ccb (issue 18)',
      scenario,
      measured: pairedMeasured(rps, percent, { extra: engineNote }),
      limit: `≥ ${percent(limits.minRpsRatio)}`,
      status: statusOf(rps, (median) => median >= limits.minRpsRatio),
    },
    {
      goal: 'ccb-shared CPU per request vs ccb (issue 18)',
      scenario,
      measured: pairedMeasured(cpu, times, { extra: cpuTotals }),
      limit: `≤ ${limits.cpuFactor}×`,
      status: statusOf(cpu, (median) => median <= limits.cpuFactor),
    },
  ];
}

/** CPU time the engines used per request served by ccb-shared, over every round that measured it, in µs. */
export function engineCpuPerRequestInUs(shared: TargetRow): number | undefined {
  let engineTimeInMs = 0;
  let served = 0;
  for (const round of shared.rounds) {
    if (round.engineCpuTimeInMs === undefined) continue;
    engineTimeInMs += round.engineCpuTimeInMs;
    served += round.served;
  }
  return served === 0 ? undefined : (engineTimeInMs * 1000) / served;
}
