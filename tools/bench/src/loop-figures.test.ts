import { describe, expect, it } from 'vitest';
import {
  addGcTotals,
  delayBeyondResolutionInMs,
  type LoopFigures,
  parseLoopProbeReply,
} from './loop-figures.js';

const figures: LoopFigures = {
  windowInMs: 1000,
  delay: { p50InMs: 0.2, p99InMs: 4.5, maxInMs: 31 },
  utilization: 0.62,
  gc: { count: 3, totalInMs: 12.5, maxInMs: 8 },
  gcByKind: {
    minor: { count: 2, totalInMs: 4.5, maxInMs: 3 },
    major: { count: 1, totalInMs: 8, maxInMs: 8 },
  },
  heapUsedInBytes: 20_000_000,
  rssInBytes: 150_000_000,
};

describe('parseLoopProbeReply', () => {
  it('reads the probe figures and the id of the read they answer', () => {
    // Through JSON, as the IPC channel carries them.
    const message = JSON.parse(JSON.stringify({ ccbLoopProbe: 'figures', id: 7, figures }));
    expect(parseLoopProbeReply(message)).toEqual({ id: 7, figures });
  });

  it('ignores other messages on the channel and replies of another shape', () => {
    expect(parseLoopProbeReply({ hello: 'world' })).toBeUndefined();
    expect(parseLoopProbeReply(null)).toBeUndefined();
    expect(parseLoopProbeReply({ ccbLoopProbe: 'figures', figures })).toBeUndefined();
    expect(
      parseLoopProbeReply({ ccbLoopProbe: 'figures', id: 1, figures: { ...figures, delay: { p50InMs: 1 } } }),
    ).toBeUndefined();
    expect(
      parseLoopProbeReply({
        ccbLoopProbe: 'figures',
        id: 1,
        figures: { ...figures, gcByKind: { minor: { count: 'two' } } },
      }),
    ).toBeUndefined();
  });
});

describe('delayBeyondResolutionInMs', () => {
  it('takes the sampling interval off a histogram value in ns, never below 0', () => {
    expect(delayBeyondResolutionInMs(58_490_879)).toBeCloseTo(48.49, 2);
    expect(delayBeyondResolutionInMs(9_200_000)).toBe(0);
    expect(delayBeyondResolutionInMs(Number.NaN)).toBe(0);
    expect(delayBeyondResolutionInMs(15_000_000, 1)).toBe(14);
  });
});

describe('addGcTotals', () => {
  it('sums counts and durations and keeps the longest pause', () => {
    const sum = addGcTotals({ count: 1, totalInMs: 5, maxInMs: 5 }, { count: 2, totalInMs: 3, maxInMs: 2 });
    expect(sum).toEqual({ count: 3, totalInMs: 8, maxInMs: 5 });
    expect(addGcTotals(undefined, sum)).toBe(sum);
  });
});
