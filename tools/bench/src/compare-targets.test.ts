import { describe, expect, it } from 'vitest';
import { compareTargets, type TargetMeasurement } from './compare-targets.js';
import type { SampleSummary } from './latency-stats.js';
import type { TargetId } from './scenarios.js';

function summary(p50: number, p99: number): SampleSummary {
  return { count: 100, p50, p95: p99, p99, mean: p50, max: p99 };
}

/** A measurement whose single round is its totals, unless `fields.rounds` says otherwise. */
function measurement(target: TargetId, fields: Partial<TargetMeasurement> = {}): TargetMeasurement {
  const totals = {
    target,
    completed: 1000,
    failed: 0,
    measuredInMs: 2000,
    latency: summary(1, 2),
    ttfb: undefined,
    cpuTimeInMs: target === 'direct' ? undefined : 500,
    served: 1000,
    peakRssInBytes: undefined,
    ...fields,
  };
  const { completed, failed, measuredInMs, served, cpuTimeInMs } = totals;
  return { rounds: [{ completed, failed, measuredInMs, served, cpuTimeInMs }], ...totals };
}

describe('compareTargets', () => {
  const rows = compareTargets({ load: 'autocannon' }, [
    measurement('direct', { latency: summary(1, 3) }),
    measurement('node-pipe', { completed: 800, latency: summary(1.5, 4) }),
    measurement('ccb', { completed: 600, latency: summary(2, 7), cpuTimeInMs: 300, served: 600 }),
  ]);

  it('derives requests per second from completed requests and measured time', () => {
    expect(rows.map((row) => row.rps)).toEqual([500, 400, 300]);
  });

  it('reports added latency over direct and the RPS ratio to node-pipe', () => {
    const ccb = rows[2];
    expect(ccb).toMatchObject({ addedP50InMs: 1, addedP99InMs: 4, rpsRatioToNodePipe: 0.75 });
    expect(rows[0]?.addedP50InMs).toBe(0);
  });

  it('divides proxy CPU time by served requests, in µs', () => {
    expect(rows[2]?.cpuPerRequestInUs).toBe(500);
    expect(rows[0]?.cpuPerRequestInUs).toBeUndefined();
  });

  it('reports the share of CPU time off the main thread over the rounds that measured both', () => {
    const round = { completed: 100, failed: 0, measuredInMs: 1000, served: 100 };
    const [ccb, pipe, direct] = compareTargets({ load: 'autocannon' }, [
      measurement('ccb', {
        rounds: [
          { ...round, cpuTimeInMs: 300, mainThreadCpuTimeInMs: 240 },
          { ...round, cpuTimeInMs: 100, mainThreadCpuTimeInMs: 80 },
          // A round read without its main thread does not count towards either side.
          { ...round, cpuTimeInMs: 500, mainThreadCpuTimeInMs: undefined },
        ],
      }),
      // Per-thread ticks can cross by one when almost nothing ran: never a negative share.
      measurement('node-pipe', { rounds: [{ ...round, cpuTimeInMs: 10, mainThreadCpuTimeInMs: 20 }] }),
      measurement('direct'),
    ]);
    expect(ccb?.offMainThreadCpuShare).toBeCloseTo(0.2, 10);
    expect(pipe?.offMainThreadCpuShare).toBe(0);
    expect(direct?.offMainThreadCpuShare).toBeUndefined();
  });

  it('leaves comparisons undefined when direct or node-pipe was not measured', () => {
    const [ccb] = compareTargets({ load: 'autocannon' }, [measurement('ccb')]);
    expect(ccb).toMatchObject({ addedP50InMs: undefined, rpsRatioToNodePipe: undefined });
  });

  it('uses TTFB as the headline latency of a ttfb scenario', () => {
    const [direct, ccb] = compareTargets({ load: 'ttfb' }, [
      measurement('direct', { ttfb: summary(0.5, 1) }),
      measurement('ccb', { ttfb: summary(0.8, 2), latency: summary(400, 450) }),
    ]);
    expect(direct?.headline.p50).toBe(0.5);
    expect(ccb?.addedP50InMs).toBeCloseTo(0.3);
  });

  describe('ratios paired per round', () => {
    // One 1 s window per round; `served` equals `completed`.
    const rounds = (rps: readonly number[], cpuInUs?: readonly number[]) =>
      rps.map((completed, index) => ({
        completed,
        failed: 0,
        measuredInMs: 1000,
        served: completed,
        cpuTimeInMs: cpuInUs === undefined ? undefined : ((cpuInUs[index] as number) * completed) / 1000,
      }));
    const withRounds = (target: TargetId, rps: readonly number[], cpuInUs?: readonly number[]) => {
      const perRound = rounds(rps, cpuInUs);
      const sum = (pick: (round: (typeof perRound)[number]) => number) =>
        perRound.reduce((total, round) => total + pick(round), 0);
      return measurement(target, {
        completed: sum((round) => round.completed),
        served: sum((round) => round.served),
        measuredInMs: sum((round) => round.measuredInMs),
        cpuTimeInMs: cpuInUs === undefined ? undefined : sum((round) => round.cpuTimeInMs ?? 0),
        rounds: perRound,
      });
    };

    it("keeps each round's own RPS and CPU per request beside the totals", () => {
      const [ccb] = compareTargets({ load: 'autocannon' }, [withRounds('ccb', [500, 1500], [200, 100])]);
      expect(ccb?.rounds.map((round) => round.rps)).toEqual([500, 1500]);
      expect(ccb?.rounds.map((round) => round.cpuPerRequestInUs)).toEqual([200, 100]);
      expect(ccb?.rps).toBe(1000);
      expect(ccb?.cpuPerRequestInUs).toBe(125);
    });

    it('takes the median of per-round ratios to node-pipe, not the ratio of the totals', () => {
      // Round 3 caught node-pipe at a fast moment and ccb at a slow one: totals say 56%, the pairs 90%.
      const [, ccb] = compareTargets({ load: 'autocannon' }, [
        withRounds('node-pipe', [1000, 1000, 3000], [100, 100, 100]),
        withRounds('ccb', [900, 900, 1000], [120, 120, 300]),
      ]);
      expect(ccb?.rps).toBeCloseTo(2800 / 3);
      expect(ccb?.rpsRatioToNodePipe).toBeCloseTo(0.9);
      expect(ccb?.versusNodePipe?.rpsRatio).toMatchObject({ pairs: 3, min: 1 / 3 });
      expect(ccb?.versusNodePipe?.rpsRatio.max).toBeCloseTo(0.9);
      expect(ccb?.versusNodePipe?.cpuPerRequestRatio.median).toBeCloseTo(1.2);
    });

    it("reports the cost of logs and metrics on ccb's row only, and only when ccb-quiet was measured", () => {
      const rows = compareTargets({ load: 'autocannon' }, [
        withRounds('node-pipe', [1000, 1000, 1000], [100, 100, 100]),
        withRounds('ccb', [950, 950, 500], [110, 110, 200]),
        withRounds('ccb-quiet', [1000, 1000, 1000], [100, 100, 100]),
      ]);
      const ccb = rows[1];
      expect(ccb?.logsAndMetricsCost?.rpsCost.median).toBeCloseTo(0.05);
      expect(ccb?.logsAndMetricsCost?.rpsCost.max).toBeCloseTo(0.5);
      expect(ccb?.logsAndMetricsCost?.cpuPerRequestRatio.median).toBeCloseTo(1.1);
      expect(rows[0]?.logsAndMetricsCost).toBeUndefined();
      expect(rows[2]?.logsAndMetricsCost).toBeUndefined();
      const [alone] = compareTargets({ load: 'autocannon' }, [withRounds('ccb', [950])]);
      expect(alone?.logsAndMetricsCost).toBeUndefined();
    });

    it("pairs ccb-shared with ccb round by round on ccb-shared's row only, and only when ccb was measured", () => {
      const rows = compareTargets({ load: 'autocannon' }, [
        withRounds('ccb', [1000, 1000, 1000], [100, 100, 100]),
        withRounds('ccb-shared', [950, 990, 500], [110, 100, 200]),
      ]);
      const shared = rows[1];
      expect(shared?.versusCcb?.rpsRatio).toMatchObject({ pairs: 3, median: 0.95, min: 0.5, max: 0.99 });
      expect(shared?.versusCcb?.cpuPerRequestRatio.median).toBeCloseTo(1.1);
      expect(rows[0]?.versusCcb).toBeUndefined();
      const [alone] = compareTargets({ load: 'autocannon' }, [withRounds('ccb-shared', [950])]);
      expect(alone?.versusCcb).toBeUndefined();
    });

    it('leaves a round without a finite ratio out of the median (no CPU time, nothing completed)', () => {
      const [direct, , ccb] = compareTargets({ load: 'autocannon' }, [
        withRounds('direct', [2000, 2000]),
        withRounds('node-pipe', [0, 1000], [100, 100]),
        withRounds('ccb', [700, 800], [150, 150]),
      ]);
      expect(ccb?.versusNodePipe?.rpsRatio).toMatchObject({ pairs: 1, median: 0.8 });
      expect(ccb?.versusNodePipe?.rpsRatio.perRound[0]).toBeNaN();
      expect(direct?.versusNodePipe?.cpuPerRequestRatio.pairs).toBe(0);
      expect(direct?.versusNodePipe?.cpuPerRequestRatio.median).toBeNaN();
    });
  });
});
