import { describe, expect, it } from 'vitest';
import { bedrockCheck, bedrockGoalLimits, hasBedrockGoal } from './bedrock-goals.js';
import { compareTargets, type TargetMeasurement, type TargetRow } from './compare-targets.js';
import { evaluateGoals } from './evaluate-goals.js';
import type { SampleSummary } from './latency-stats.js';
import type { TargetId } from './scenarios.js';

const latency: SampleSummary = { count: 100, p50: 1, p95: 2, p99: 2, mean: 1, max: 2 };

/** A target measured in 1 s rounds: `rps[i]` responses and `cpuInUs[i]` µs of CPU per request in round i. */
function measured(target: TargetId, rps: readonly number[], cpuInUs?: readonly number[]): TargetMeasurement {
  const rounds = rps.map((completed, index) => ({
    completed,
    failed: 0,
    measuredInMs: 1000,
    served: completed,
    cpuTimeInMs: cpuInUs === undefined ? undefined : ((cpuInUs[index] as number) * completed) / 1000,
  }));
  const sum = (pick: (round: (typeof rounds)[number]) => number) =>
    rounds.reduce((total, round) => total + pick(round), 0);
  return {
    target,
    completed: sum((round) => round.completed),
    failed: 0,
    measuredInMs: sum((round) => round.measuredInMs),
    latency,
    ttfb: undefined,
    cpuTimeInMs: cpuInUs === undefined ? undefined : sum((round) => round.cpuTimeInMs ?? 0),
    served: sum((round) => round.served),
    peakRssInBytes: undefined,
    rounds,
  };
}

function rowsOf(...measurements: TargetMeasurement[]): Map<TargetId, TargetRow> {
  return new Map(compareTargets({ load: 'autocannon' }, measurements).map((row) => [row.target, row]));
}

describe('bedrockCheck', () => {
  it('meets the goal below 1.3× ccb’s CPU per stream at the median of the paired rounds, whatever the totals say', () => {
    // Round 3 caught ccb-bedrock at a slow moment: the totals say 1.6×, the paired median 1.2×.
    const rows = rowsOf(
      measured('ccb', [100, 100, 100], [1000, 1000, 1000]),
      measured('ccb-bedrock', [100, 100, 100], [1200, 1150, 2500]),
    );
    const check = bedrockCheck(
      'stream-c100',
      rows.get('ccb-bedrock') as TargetRow,
      rows.get('ccb') as TargetRow,
    );
    expect(check).toMatchObject({
      goal: 'ccb-bedrock CPU per stream vs ccb (issue 17)',
      scenario: 'stream-c100',
      limit: `< ${bedrockGoalLimits.cpuFactor}×`,
      status: 'met',
    });
    expect(check.measured).toBe(
      '1.20× (median of 3 paired rounds, 1.15×–2.50×; 1617 vs 1000 µs over all rounds)',
    );
  });

  it('misses it at 1.3× and above', () => {
    const rows = rowsOf(
      measured('ccb', [100, 100, 100], [1000, 1000, 1000]),
      measured('ccb-bedrock-sigv4', [100, 100, 100], [1300, 1300, 1400]),
    );
    expect(
      bedrockCheck('stream-c100', rows.get('ccb-bedrock-sigv4') as TargetRow, rows.get('ccb') as TargetRow)
        .status,
    ).toBe('missed');
  });

  it('marks it not measured, rather than missed, when no round has CPU time', () => {
    const rows = rowsOf(measured('ccb', [100, 100]), measured('ccb-bedrock', [100, 100]));
    const check = bedrockCheck(
      'stream-c100',
      rows.get('ccb-bedrock') as TargetRow,
      rows.get('ccb') as TargetRow,
    );
    expect(check.status).toBe('not measured');
    expect(check.measured).toBe('no paired rounds with CPU time');
  });
});

describe('the Bedrock goal in evaluateGoals', () => {
  it('adds one line per Bedrock target to the streaming scenarios with ccb, and none to the others', () => {
    const rows = [
      ...rowsOf(
        measured('ccb', [100, 100], [1000, 1000]),
        measured('ccb-bedrock', [100, 100], [1100, 1100]),
        measured('ccb-bedrock-sigv4', [100, 100], [1200, 1200]),
      ).values(),
    ];
    const checks = evaluateGoals([
      { scenario: { id: 'stream-c100', failover: false, request: 'stream' }, rows },
      { scenario: { id: 'nonstream-c50', failover: false, request: 'small' }, rows },
      { scenario: { id: 'failover-c50', failover: true, request: 'stream' }, rows },
    ]).filter((check) => check.goal.includes('issue 17'));
    expect(checks.map((check) => [check.goal, check.scenario, check.status])).toEqual([
      ['ccb-bedrock CPU per stream vs ccb (issue 17)', 'stream-c100', 'met'],
      ['ccb-bedrock-sigv4 CPU per stream vs ccb (issue 17)', 'stream-c100', 'met'],
    ]);
    const withoutCcb = evaluateGoals([
      {
        scenario: { id: 'stream-c100', failover: false, request: 'stream' },
        rows: [...rowsOf(measured('ccb-bedrock', [100], [1000])).values()],
      },
    ]);
    expect(withoutCcb.some((check) => check.goal.includes('issue 17'))).toBe(false);
  });

  it('applies to stream requests only', () => {
    expect(hasBedrockGoal('stream')).toBe(true);
    expect(hasBedrockGoal('small')).toBe(false);
    expect(hasBedrockGoal(undefined)).toBe(false);
  });
});
