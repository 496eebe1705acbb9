import { describe, expect, it } from 'vitest';
import { compareTargets, type TargetMeasurement } from './compare-targets.js';
import type { SampleSummary } from './latency-stats.js';
import type { TargetId } from './scenarios.js';

function summary(p50: number, p99: number): SampleSummary {
  return { count: 100, p50, p95: p99, p99, mean: p50, max: p99 };
}

function measurement(target: TargetId, fields: Partial<TargetMeasurement> = {}): TargetMeasurement {
  return {
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
});
