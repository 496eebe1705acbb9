import type { TargetRow } from './compare-targets.js';
import { formatNumber } from './format-table.js';
import type { GoalCheck } from './goal-check.js';
import { percent, roundsPhrase, times } from './paired-ratios.js';
import type { Scenario } from './scenarios.js';

/** The goals of issue 20 for Claude Code-sized traffic, on top of the goals every scenario has. */
export const claudeCodeGoalLimits = {
  /** ccb RPS at least this share of node-pipe's (median of the per-round ratios). */
  minRpsRatio: 0.9,
  /** ccb CPU per request at most this multiple of node-pipe's in every round, not only at the median. */
  cpuFactorEveryRound: 1.3,
  /** ccb's added p99 at most this much more than node-pipe's, in ms. */
  maxAddedP99OverNodePipeInMs: 5,
  /** ccb's event-loop delay p99 (median of the rounds) strictly below this, in ms… */
  maxLoopDelayP99InMs: 10,
  /** …in the scenarios with at most this many connections. */
  loopDelayGoalMaxConnections: 50,
} as const;

const ms = (value: number | undefined) => `${formatNumber(value, 2)} ms`;

function status(inputs: readonly (number | undefined)[], isMet: () => boolean): GoalCheck['status'] {
  return inputs.every((value) => value !== undefined && Number.isFinite(value))
    ? isMet()
      ? 'met'
      : 'missed'
    : 'not measured';
}

/**
 * ccb's added p99 against node-pipe's, judged as ccb's p99 minus node-pipe's: both added latencies are over the same
 * direct p99, which cancels out of their difference, so the line needs no `direct` target (the Claude Code set runs
 * without one). With a control row, its own difference from node-pipe is shown beside: the spread of the instrument.
 */
function addedP99Check(
  scenarioId: string,
  rows: { readonly ccb: TargetRow; readonly nodePipe: TargetRow; readonly control?: TargetRow | undefined },
): GoalCheck {
  const { ccb, nodePipe, control } = rows;
  const overInMs = ccb.headline.p99 - nodePipe.headline.p99;
  const controlText =
    control === undefined ? '' : `; ${control.target} ${ms(control.headline.p99 - nodePipe.headline.p99)}`;
  const limitInMs = claudeCodeGoalLimits.maxAddedP99OverNodePipeInMs;
  return {
    goal: 'added p99 within 5 ms of node-pipe',
    scenario: scenarioId,
    measured: `${ms(overInMs)} over node-pipe's p99 (${ms(ccb.headline.p99)} against ${ms(nodePipe.headline.p99)}${controlText})`,
    limit: `≤ ${ms(limitInMs)} over`,
    status: status([overInMs], () => overInMs <= limitInMs),
  };
}

/**
 * Issue 20's goal lines for one Claude Code scenario: throughput ≥ 90 % of node-pipe's, CPU per request ≤ 1.3× in
 * every round, added p99 within 5 ms of node-pipe's, and (at 50 connections or fewer) an event-loop delay p99 under
 * 10 ms. With a `control` row (node-pipe-held, which does node-pipe's work holding each body) the every-round,
 * added-p99 and delay lines also show its figures: how far a process doing the floor's work read from the floor in the
 * same rounds, the instrument's own spread. It never changes a verdict.
 */
export function claudeCodeChecks(
  scenario: Pick<Scenario, 'id' | 'connections'>,
  rows: { readonly ccb: TargetRow; readonly nodePipe: TargetRow; readonly control?: TargetRow | undefined },
): GoalCheck[] {
  const { ccb, nodePipe, control } = rows;
  const limits = claudeCodeGoalLimits;
  const checks: GoalCheck[] = [];
  const rps = ccb.versusNodePipe?.rpsRatio;
  checks.push({
    goal: 'ccb RPS vs node-pipe (issue 20)',
    scenario: scenario.id,
    measured:
      rps === undefined || rps.pairs === 0
        ? 'no paired rounds'
        : `${percent(rps.median)} (${roundsPhrase(rps)}, ${percent(rps.min)}–${percent(rps.max)})`,
    limit: `≥ ${percent(limits.minRpsRatio)}`,
    status: status([rps?.median], () => (rps?.median as number) >= limits.minRpsRatio),
  });
  const cpu = ccb.versusNodePipe?.cpuPerRequestRatio;
  const controlCpu = control?.versusNodePipe?.cpuPerRequestRatio;
  const controlSpread =
    controlCpu === undefined || controlCpu.pairs === 0
      ? ''
      : `; ${control?.target} ${times(controlCpu.min)}–${times(controlCpu.max)}`;
  checks.push({
    goal: 'CPU per request vs node-pipe, every round',
    scenario: scenario.id,
    measured:
      cpu === undefined || cpu.pairs === 0
        ? 'no paired rounds with CPU time'
        : `worst round ${times(cpu.max)} (${cpu.pairs} rounds, ${times(cpu.min)}–${times(cpu.max)}${controlSpread})`,
    limit: `≤ ${limits.cpuFactorEveryRound}× in every round`,
    status: status([cpu?.max], () => (cpu?.max as number) <= limits.cpuFactorEveryRound),
  });
  checks.push(addedP99Check(scenario.id, { ccb, nodePipe, control }));
  if (scenario.connections <= limits.loopDelayGoalMaxConnections) {
    const delay = ccb.loop?.delayP99InMs;
    const controlDelay = control?.loop?.delayP99InMs;
    const controlText =
      controlDelay === undefined || controlDelay.pairs === 0
        ? ''
        : `, ${control?.target} ${ms(controlDelay.median)}`;
    checks.push({
      goal: 'event-loop delay p99',
      scenario: scenario.id,
      measured:
        delay === undefined || delay.pairs === 0
          ? 'no loop probe figures'
          : `${ms(delay.median)} (${roundsPhrase(delay)}, ${ms(delay.min)}–${ms(delay.max)}; node-pipe ${ms(nodePipe.loop?.delayP99InMs.median)}${controlText})`,
      limit: `< ${ms(limits.maxLoopDelayP99InMs)}`,
      status: status([delay?.median], () => (delay?.median as number) < limits.maxLoopDelayP99InMs),
    });
  }
  return checks;
}
