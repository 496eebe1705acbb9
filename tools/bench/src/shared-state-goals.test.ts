import { describe, expect, it } from 'vitest';
import { compareTargets, type TargetMeasurement, type TargetRow } from './compare-targets.js';
import { evaluateGoals, type GoalCheck } from './evaluate-goals.js';
import type { SampleSummary } from './latency-stats.js';
import type { TargetId } from './scenarios.js';
import { sharedStateChecks } from './shared-state-goals.js';

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

const rpsGoal = 'ccb-shared RPS vs ccb (issue 18)';
const cpuGoal = 'ccb-shared CPU per request vs ccb (issue 18)';

function find(checks: readonly GoalCheck[], goal: string, scenario: string): GoalCheck | undefined {
  return checks.find((check) => check.goal === goal && check.scenario === scenario);
}

describe('sharedStateChecks', () => {
  it('meets both goals within 10% of ccb at the median of the paired rounds, whatever the totals say', () => {
    // Round 3 caught ccb-shared at a slow moment: totals say 79% and 1.36×, the paired median 95% and 1.05×.
    const rows = compareTargets({ load: 'autocannon' }, [
      measured('ccb', [1000, 1000, 1000], [100, 100, 100]),
      measured('ccb-shared', [950, 980, 450], [105, 104, 300]),
    ]);
    const [ccb, shared] = rows;
    const checks = sharedStateChecks('a', shared as never, ccb as never);
    expect(find(checks, rpsGoal, 'a')).toMatchObject({
      status: 'met',
      measured: '95% (median of 3 paired rounds, 45%–98%)',
      limit: '≥ 90%',
    });
    expect(find(checks, cpuGoal, 'a')).toMatchObject({
      status: 'met',
      limit: '≤ 1.1×',
    });
    expect(find(checks, cpuGoal, 'a')?.measured).toMatch(
      /^1\.05× \(median of 3 paired rounds, 1\.04×–3\.00×; \d+ vs 100 µs/,
    );
  });

  it('misses the goals just past 10%: RPS below 90% of ccb, CPU per request above 1.1×', () => {
    const [ccb, shared] = compareTargets({ load: 'autocannon' }, [
      measured('ccb', [1000, 1000], [100, 100]),
      measured('ccb-shared', [890, 880], [111, 112]),
    ]);
    const checks = sharedStateChecks('b', shared as never, ccb as never);
    expect(find(checks, rpsGoal, 'b')?.status).toBe('missed');
    expect(find(checks, cpuGoal, 'b')?.status).toBe('missed');
  });

  it("shows the engines' CPU per request beside the RPS ratio, over the rounds that measured it", () => {
    const [ccb, shared] = compareTargets({ load: 'autocannon' }, [
      measured('ccb', [1000, 1000], [100, 100]),
      measured('ccb-shared', [800, 1200], [100, 100]),
    ]);
    // 30 ms over round 1's 800 requests, round 2 not measured (no /proc for it): 37.5 µs per request.
    const rounds = (shared as TargetRow).rounds.map((round, index) =>
      index === 0 ? { ...round, engineCpuTimeInMs: 30 } : round,
    );
    const checks = sharedStateChecks('e', { ...(shared as TargetRow), rounds }, ccb as never);
    expect(find(checks, rpsGoal, 'e')?.measured).toMatch(
      /; Redis \+ PostgreSQL used 38 µs\/request of these cores\)$/,
    );
    const without = sharedStateChecks('e', shared as never, ccb as never);
    expect(find(without, rpsGoal, 'e')?.measured).not.toContain('PostgreSQL');
  });

  it('marks CPU not measured, rather than missed, when no round has CPU time', () => {
    const [ccb, shared] = compareTargets({ load: 'autocannon' }, [
      measured('ccb', [1000]),
      measured('ccb-shared', [990]),
    ]);
    const checks = sharedStateChecks('c', shared as never, ccb as never);
    expect(find(checks, rpsGoal, 'c')?.status).toBe('met');
    expect(find(checks, cpuGoal, 'c')).toMatchObject({
      status: 'not measured',
      measured: 'no paired rounds',
    });
  });
});

describe('evaluateGoals with ccb-shared', () => {
  it('adds the issue 18 lines to every scenario with ccb and ccb-shared, failover included, and to no other', () => {
    const checks = evaluateGoals([
      {
        scenario: { id: 'nonstream-c50', failover: false },
        rows: compareTargets({ load: 'autocannon' }, [
          measured('node-pipe', [1000], [80]),
          measured('ccb', [1000], [100]),
          measured('ccb-shared', [1000], [100]),
        ]),
      },
      {
        scenario: { id: 'failover-c50', failover: true },
        rows: compareTargets({ load: 'autocannon' }, [
          measured('ccb', [800], [100]),
          measured('ccb-shared', [600], [100]),
        ]),
      },
      {
        scenario: { id: 'stream-c100', failover: false },
        rows: compareTargets({ load: 'autocannon' }, [measured('ccb-shared', [1000], [100])]),
      },
    ]);
    expect(find(checks, rpsGoal, 'nonstream-c50')?.status).toBe('met');
    expect(find(checks, cpuGoal, 'nonstream-c50')?.status).toBe('met');
    expect(find(checks, rpsGoal, 'failover-c50')?.status).toBe('missed');
    expect(find(checks, rpsGoal, 'stream-c100')).toBeUndefined();
    // ccb-shared is not judged against node-pipe: the goal is relative to the default ccb.
    expect(
      checks.filter((check) => check.scenario === 'nonstream-c50' && check.goal.includes('node-pipe')),
    ).toHaveLength(2);
  });
});
