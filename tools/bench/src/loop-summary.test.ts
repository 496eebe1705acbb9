import { describe, expect, it } from 'vitest';
import type { LoopFigures } from './loop-figures.js';
import { summarizeLoopRounds } from './loop-summary.js';

function round(p99InMs: number, maxInMs: number, gcInMs: number): LoopFigures {
  return {
    windowInMs: 1000,
    delay: { p50InMs: p99InMs / 10, p99InMs, maxInMs },
    utilization: 0.5,
    gc: { count: 1, totalInMs: gcInMs, maxInMs: gcInMs },
    gcByKind: { minor: { count: 1, totalInMs: gcInMs, maxInMs: gcInMs } },
    heapUsedInBytes: 1,
    rssInBytes: 1,
  };
}

describe('summarizeLoopRounds', () => {
  it('gives the median p99 with its range, the longest delay and GC summed over the rounds', () => {
    const summary = summarizeLoopRounds([round(2, 10, 1), undefined, round(8, 40, 3), round(4, 12, 2)]);
    expect(summary?.rounds).toBe(3);
    expect(summary?.delayP99InMs.median).toBe(4);
    expect([summary?.delayP99InMs.min, summary?.delayP99InMs.max]).toEqual([2, 8]);
    expect(summary?.delayP99InMs.perRound[1]).toBeNaN();
    expect(summary?.delayMaxInMs).toBe(40);
    expect(summary?.gc).toEqual({ count: 3, totalInMs: 6, maxInMs: 3 });
    expect(summary?.gcByKind.minor?.count).toBe(3);
  });

  it('is undefined for a target without figures (direct)', () => {
    expect(summarizeLoopRounds([undefined, undefined])).toBeUndefined();
    expect(summarizeLoopRounds([])).toBeUndefined();
  });
});
