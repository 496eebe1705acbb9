import { describe, expect, it } from 'vitest';
import { combineLoopFigures, combineWindows } from './combine-windows.js';
import type { RoundMeasurement } from './compare-targets.js';
import type { LoopFigures } from './loop-figures.js';

function loop(overrides: Partial<LoopFigures>): LoopFigures {
  return {
    windowInMs: 1000,
    delay: { p50InMs: 1, p99InMs: 5, maxInMs: 8 },
    utilization: 0.5,
    gc: { count: 2, totalInMs: 3, maxInMs: 2 },
    gcByKind: { minor: { count: 2, totalInMs: 3, maxInMs: 2 } },
    heapUsedInBytes: 10,
    rssInBytes: 100,
    ...overrides,
  };
}

function window(overrides: Partial<RoundMeasurement>): RoundMeasurement {
  return {
    completed: 100,
    failed: 0,
    measuredInMs: 1000,
    served: 100,
    cpuTimeInMs: 40,
    mainThreadCpuTimeInMs: 30,
    engineCpuTimeInMs: undefined,
    loop: undefined,
    upstreamLoop: undefined,
    ...overrides,
  };
}

describe('combineWindows', () => {
  it('gives a one-window round as it was measured', () => {
    const only = window({ loop: loop({}) });
    expect(combineWindows([only])).toBe(only);
  });

  it("adds the windows' counts and CPU times, so a round's CPU per request is over all of them", () => {
    const round = combineWindows([
      window({ completed: 100, served: 110, failed: 1, cpuTimeInMs: 40, mainThreadCpuTimeInMs: 30 }),
      window({ completed: 300, served: 290, failed: 2, cpuTimeInMs: 80, mainThreadCpuTimeInMs: 50 }),
    ]);
    expect(round).toMatchObject({
      completed: 400,
      served: 400,
      failed: 3,
      measuredInMs: 2000,
      cpuTimeInMs: 120,
      mainThreadCpuTimeInMs: 80,
      engineCpuTimeInMs: undefined,
    });
    // 300 µs per request over the round, not the mean of the windows' 364 and 276.
    expect(((round.cpuTimeInMs as number) * 1000) / round.served).toBe(300);
  });

  it("combines the target's loop and the mock's each on its own, and the engines' CPU when every window has it", () => {
    const round = combineWindows([
      window({
        loop: loop({ delay: { p50InMs: 1, p99InMs: 4, maxInMs: 5 } }),
        upstreamLoop: loop({ utilization: 0.2 }),
        engineCpuTimeInMs: 5,
      }),
      window({
        loop: loop({ delay: { p50InMs: 3, p99InMs: 8, maxInMs: 9 } }),
        upstreamLoop: loop({ utilization: 0.6 }),
        engineCpuTimeInMs: 7,
      }),
    ]);
    expect(round.loop?.delay).toEqual({ p50InMs: 2, p99InMs: 6, maxInMs: 9 });
    expect(round.loop?.utilization).toBe(0.5);
    expect(round.upstreamLoop?.utilization).toBeCloseTo(0.4);
    expect(round.upstreamLoop?.delay).toEqual({ p50InMs: 1, p99InMs: 5, maxInMs: 8 });
    expect(round.engineCpuTimeInMs).toBe(12);
  });

  it('leaves a CPU time unknown for the round when a window lacks it', () => {
    const round = combineWindows([window({ cpuTimeInMs: 40 }), window({ cpuTimeInMs: undefined })]);
    expect(round.cpuTimeInMs).toBeUndefined();
    expect(round.mainThreadCpuTimeInMs).toBe(60);
  });

  it('refuses a round without windows', () => {
    expect(() => combineWindows([])).toThrow(/at least one window/);
  });
});

describe('combineLoopFigures', () => {
  it('averages the delay percentiles by time, keeps the longest delay, adds GC pauses and keeps the last heap', () => {
    const combined = combineLoopFigures([
      loop({ delay: { p50InMs: 1, p99InMs: 12, maxInMs: 20 }, utilization: 0.9, windowInMs: 1000 }),
      undefined,
      loop({
        delay: { p50InMs: 4, p99InMs: 3, maxInMs: 30 },
        utilization: 0.3,
        windowInMs: 2000,
        gc: { count: 1, totalInMs: 7, maxInMs: 7 },
        gcByKind: { major: { count: 1, totalInMs: 7, maxInMs: 7 } },
        heapUsedInBytes: 20,
        rssInBytes: 200,
      }),
    ]);
    expect(combined).toEqual({
      windowInMs: 3000,
      // (1 × 1000 + 4 × 2000) / 3000 and (12 × 1000 + 3 × 2000) / 3000: as one window reads, not the worst.
      delay: { p50InMs: 3, p99InMs: 6, maxInMs: 30 },
      utilization: 0.5,
      gc: { count: 3, totalInMs: 10, maxInMs: 7 },
      gcByKind: {
        minor: { count: 2, totalInMs: 3, maxInMs: 2 },
        major: { count: 1, totalInMs: 7, maxInMs: 7 },
      },
      heapUsedInBytes: 20,
      rssInBytes: 200,
    });
  });

  it('takes a plain mean when no window has a length', () => {
    const combined = combineLoopFigures([
      loop({ windowInMs: 0, delay: { p50InMs: 1, p99InMs: 2, maxInMs: 3 }, utilization: 0.2 }),
      loop({ windowInMs: 0, delay: { p50InMs: 3, p99InMs: 6, maxInMs: 9 }, utilization: 0.4 }),
    ]);
    expect(combined?.delay).toEqual({ p50InMs: 2, p99InMs: 4, maxInMs: 9 });
    expect(combined?.utilization).toBeCloseTo(0.3);
  });

  it('gives the one window that has figures as it read them, and none when no window has any', () => {
    const only = loop({ delay: { p50InMs: 2, p99InMs: 9, maxInMs: 11 } });
    expect(combineLoopFigures([undefined, only])).toBe(only);
    expect(combineLoopFigures([undefined, undefined])).toBeUndefined();
  });
});
