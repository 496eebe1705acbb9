import type { TargetRow } from './compare-targets.js';
import { formatNumber } from './format-table.js';
import type { GoalCheck } from './goal-check.js';
import { pairedMeasured, times } from './paired-ratios.js';
import type { RequestKind } from './scenarios.js';

/**
 * Issue 17's goal for Bedrock: "decoding event streams must cost less than 1.3× the CPU per stream of the plain
 * Anthropic path". A Bedrock target's CPU per stream against the default ccb's (the same ccb, one provider of
 * `kind: anthropic` on the same paced mock), the median of the per-round ratios.
 */
export const bedrockGoalLimits = {
  /** CPU per stream strictly below this multiple of ccb's (median of the per-round ratios). */
  cpuFactor: 1.3,
} as const;

/** The requests whose scenarios carry the line: streams (the "per stream"). */
const streamingRequests: readonly RequestKind[] = ['stream'];

/** Whether a scenario of this request kind gets the Bedrock goal line. */
export function hasBedrockGoal(request: RequestKind | undefined): boolean {
  return request !== undefined && streamingRequests.includes(request);
}

/**
 * The line for one Bedrock target in one streaming scenario, from its row's per-round pairing with ccb
 * (`versusCcb.cpuPerRequestRatio`); `not measured` when no round could be paired (e.g. no CPU time without /proc).
 */
export function bedrockCheck(scenario: string, bedrock: TargetRow, ccb: TargetRow): GoalCheck {
  const ratio = bedrock.versusCcb?.cpuPerRequestRatio;
  const totals = `; ${formatNumber(bedrock.cpuPerRequestInUs, 0)} vs ${formatNumber(ccb.cpuPerRequestInUs, 0)} µs over all rounds`;
  const measurable = ratio !== undefined && ratio.pairs > 0 && Number.isFinite(ratio.median);
  return {
    goal: `${bedrock.target} CPU per stream vs ccb (issue 17)`,
    scenario,
    measured: pairedMeasured(ratio, times, { extra: totals, none: 'no paired rounds with CPU time' }),
    limit: `< ${bedrockGoalLimits.cpuFactor}×`,
    status: measurable ? (ratio.median < bedrockGoalLimits.cpuFactor ? 'met' : 'missed') : 'not measured',
  };
}
