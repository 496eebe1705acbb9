import { describe, expect, it } from 'vitest';
import { evaluateSoakFlatness, leastSquaresSlope, type RssSample } from './soak-flatness.js';

const mib = 1024 * 1024;

/** A sample every 5 s for 10 minutes, RSS from `rssAt(ms)`. */
function soak(rssAt: (atInMs: number) => number): RssSample[] {
  return Array.from({ length: 121 }, (_, index) => ({
    atInMs: index * 5000,
    rssInBytes: rssAt(index * 5000),
  }));
}

describe('leastSquaresSlope', () => {
  it('finds the slope of a line exactly and of noise around it closely', () => {
    expect(leastSquaresSlope([0, 1, 2, 3].map((x) => ({ x, y: 3 * x + 7 })))).toBeCloseTo(3, 12);
    const zigzag = Array.from({ length: 40 }, (_, x) => ({ x, y: 2 * x + (x % 2 === 0 ? 5 : -5) }));
    expect(leastSquaresSlope(zigzag)).toBeCloseTo(2, 1);
  });

  it('is NaN with fewer than two points or a single x', () => {
    expect(leastSquaresSlope([{ x: 1, y: 1 }])).toBeNaN();
    expect(
      leastSquaresSlope([
        { x: 1, y: 1 },
        { x: 1, y: 5 },
      ]),
    ).toBeNaN();
  });
});

describe('evaluateSoakFlatness', () => {
  it('reads a process that grows during warm-up and then holds as flat', () => {
    // Up from 60 to 150 MiB in the first 3 minutes, then a sawtooth of ±12 MiB around 150 MiB.
    const flatness = evaluateSoakFlatness(
      soak((at) =>
        at < 180_000 ? 60 * mib + (90 * mib * at) / 180_000 : 150 * mib + ((at / 5000) % 2 ? 12 : -12) * mib,
      ),
      300_000,
    );
    expect(flatness.samples).toBe(61);
    expect(Math.abs(flatness.fittedGrowthInBytes)).toBeLessThan(2 * mib);
    expect(Math.abs(flatness.endGrowthInBytes)).toBeLessThan(10 * mib);
    expect(flatness.minRssInBytes).toBe(138 * mib);
    expect(flatness.maxRssInBytes).toBe(162 * mib);
  });

  it('measures a steady leak after warm-up as its slope over the post-warm-up span', () => {
    // 8 MiB a minute from the start: 40 MiB over the five post-warm-up minutes.
    const flatness = evaluateSoakFlatness(
      soak((at) => 100 * mib + (8 * mib * at) / 60_000),
      300_000,
    );
    expect(flatness.slopeInBytesPerMinute / mib).toBeCloseTo(8, 6);
    expect(flatness.fittedGrowthInBytes / mib).toBeCloseTo(40, 6);
    // The means of the first three samples (at 305 s on average) and of the last three (595 s): 290 s of it.
    expect(flatness.endGrowthInBytes / mib).toBeCloseTo((8 * 290) / 60, 6);
  });

  it('catches a step near the end through the end means', () => {
    const flatness = evaluateSoakFlatness(
      soak((at) => (at >= 580_000 ? 150 * mib : 120 * mib)),
      300_000,
    );
    expect(flatness.endGrowthInBytes / mib).toBeCloseTo(30, 6);
  });

  it('has no figures without samples after warm-up', () => {
    const flatness = evaluateSoakFlatness(soak(() => mib).slice(0, 10), 300_000);
    expect(flatness.samples).toBe(0);
    expect(flatness.slopeInBytesPerMinute).toBeNaN();
    expect(flatness.endGrowthInBytes).toBeNaN();
  });
});
