import { describe, expect, it } from 'vitest';
import type { SoakFlatness } from './soak-flatness.js';
import { soakFlatnessCheck, soakGoalLimits } from './soak-goals.js';

const mib = 1024 * 1024;

function flatness(fields: Partial<SoakFlatness>): SoakFlatness {
  return {
    samples: 60,
    warmupEndsAtInMs: 300_000,
    slopeInBytesPerMinute: 0,
    fittedGrowthInBytes: 0,
    endGrowthInBytes: 0,
    minRssInBytes: 140 * mib,
    maxRssInBytes: 160 * mib,
    ...fields,
  };
}

const tenMinutes = { target: 'ccb', durationInMs: 600_000 };

describe('soakFlatnessCheck', () => {
  it('meets the goal when neither the fit nor the ends grew past 16 MiB', () => {
    const check = soakFlatnessCheck(
      flatness({ slopeInBytesPerMinute: 3 * mib, fittedGrowthInBytes: 15 * mib, endGrowthInBytes: 16 * mib }),
      tenMinutes,
    );
    expect(check).toEqual({
      goal: 'ccb RSS flat after warm-up (issue 20)',
      scenario: 'soak',
      measured: 'fit 15.0 MiB (3.0 MiB/min), end 16.0 MiB, over 60 samples',
      limit: 'growth ≤ 16.0 MiB after warm-up',
      status: 'met',
    });
    expect(soakGoalLimits.maxGrowthInBytes).toBe(16 * mib);
  });

  it('misses it when either figure grew past 16 MiB', () => {
    expect(soakFlatnessCheck(flatness({ fittedGrowthInBytes: 17 * mib }), tenMinutes).status).toBe('missed');
    expect(soakFlatnessCheck(flatness({ endGrowthInBytes: 17 * mib }), tenMinutes).status).toBe('missed');
  });

  it('says when the soak was shorter than the issue’s 10 minutes', () => {
    expect(soakFlatnessCheck(flatness({}), { target: 'ccb', durationInMs: 8000 }).measured).toContain(
      'soak of 8 s, the issue asks for 10 min',
    );
  });

  it('is not measured with too few samples after warm-up', () => {
    const check = soakFlatnessCheck(flatness({ samples: 9, fittedGrowthInBytes: 100 * mib }), tenMinutes);
    expect(check.status).toBe('not measured');
    expect(check.measured).toBe('9 samples after warm-up (needs 10)');
  });
});
