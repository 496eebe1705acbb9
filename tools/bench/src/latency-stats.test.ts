import { describe, expect, it } from 'vitest';
import { createSampleRecorder, percentile, summarizeSamples } from './latency-stats.js';

describe('percentile', () => {
  const oneToHundred = Float64Array.from({ length: 100 }, (_, index) => index + 1);

  it('picks the nearest-rank sample', () => {
    expect(percentile(oneToHundred, 0.5)).toBe(50);
    expect(percentile(oneToHundred, 0.95)).toBe(95);
    expect(percentile(oneToHundred, 0.99)).toBe(99);
    expect(percentile(oneToHundred, 1)).toBe(100);
  });

  it('returns the smallest sample at fraction 0 and the only sample of a single-sample set', () => {
    expect(percentile(oneToHundred, 0)).toBe(1);
    expect(percentile([7], 0.99)).toBe(7);
  });

  it('returns NaN when there are no samples', () => {
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe('summarizeSamples', () => {
  it('sorts numerically, not as strings', () => {
    const summary = summarizeSamples([10, 9, 100, 2, 1]);
    expect(summary).toMatchObject({ count: 5, p50: 9, max: 100, mean: 24.4 });
  });

  it('leaves the input order untouched', () => {
    const input = Float64Array.from([3, 1, 2]);
    summarizeSamples(input);
    expect([...input]).toEqual([3, 1, 2]);
  });

  it('reports NaN statistics for an empty set', () => {
    const summary = summarizeSamples([]);
    expect(summary.count).toBe(0);
    expect(summary.p99).toBeNaN();
    expect(summary.mean).toBeNaN();
  });
});

describe('createSampleRecorder', () => {
  it('keeps every sample across growth steps, in order', () => {
    const recorder = createSampleRecorder();
    for (let index = 0; index < 10_000; index++) recorder.add(index);
    expect(recorder.count).toBe(10_000);
    expect(recorder.values()[9_999]).toBe(9_999);
    expect(recorder.values()[4_096]).toBe(4_096);
  });

  it('counts samples past its capacity as dropped instead of growing', () => {
    const recorder = createSampleRecorder(3);
    for (const value of [1, 2, 3, 4, 5]) recorder.add(value);
    expect([...recorder.values()]).toEqual([1, 2, 3]);
    expect(recorder.dropped).toBe(2);
  });
});
