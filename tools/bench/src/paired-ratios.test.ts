import { describe, expect, it } from 'vitest';
import { mapRounds, median, pairedRatio, summarizeRounds } from './paired-ratios.js';

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([3, 100, 1, 2, -50])).toBe(2);
  });

  it('averages the middle two of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('is NaN for no values', () => {
    expect(median([])).toBeNaN();
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('pairedRatio', () => {
  it('divides round i by round i and takes the median, which the ratio of the sums is not', () => {
    // Round 3 measured the denominator at a fast moment: sums give 2800 / 5000 = 0.56.
    const ratio = pairedRatio([900, 900, 1000], [1000, 1000, 3000]);
    expect(ratio.perRound).toEqual([0.9, 0.9, 1000 / 3000]);
    expect(ratio.median).toBe(0.9);
    expect(ratio.min).toBe(1000 / 3000);
    expect(ratio.max).toBe(0.9);
    expect(ratio.pairs).toBe(3);
  });

  it('leaves out rounds without a finite ratio but keeps their place in perRound', () => {
    const ratio = pairedRatio([1, 5, undefined, 3, 0], [2, 0, 4, 4, 0]);
    expect(ratio.pairs).toBe(2);
    expect(ratio.median).toBe(0.625);
    expect(ratio.perRound).toHaveLength(5);
    expect(ratio.perRound.filter((value) => Number.isNaN(value))).toHaveLength(3);
  });

  it('pairs only as many rounds as the shorter side has', () => {
    expect(pairedRatio([1, 2, 3], [1, 1]).perRound).toEqual([1, 2]);
  });

  it('has no median and no range without a single pair', () => {
    const ratio = pairedRatio([undefined], [undefined]);
    expect(ratio.pairs).toBe(0);
    expect(ratio.median).toBeNaN();
    expect(ratio.min).toBeNaN();
    expect(ratio.max).toBeNaN();
  });
});

describe('mapRounds', () => {
  it('transforms every round, so 1 − ratio gives a cost whose range flips', () => {
    const cost = mapRounds(summarizeRounds([0.95, 0.5, 0.9]), (ratio) => 1 - ratio);
    expect(cost.median).toBeCloseTo(0.1);
    expect(cost.min).toBeCloseTo(0.05);
    expect(cost.max).toBeCloseTo(0.5);
  });
});
