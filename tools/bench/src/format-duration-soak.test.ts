import { describe, expect, it } from 'vitest';
import { formatDurationSoak } from './format-duration-soak.js';
import type { DurationSoakResult } from './run-duration-soak.js';
import { evaluateSoakFlatness } from './soak-flatness.js';

const mib = 1024 * 1024;

describe('formatDurationSoak', () => {
  it('shows each target’s load and flatness, and its RSS at every tenth of the soak', () => {
    const samples = Array.from({ length: 21 }, (_, index) => ({
      atInMs: index * 500,
      rssInBytes: (100 + index) * mib,
    }));
    const result: DurationSoakResult = {
      durationInMs: 10_000,
      elapsedInMs: 10_000,
      connections: 20,
      sampleIntervalInMs: 500,
      warmupInMs: 5000,
      targets: [
        {
          target: 'ccb',
          completed: 321,
          failed: 0,
          ttft: { count: 321, p50: 4.04, p95: 9, p99: 12.36, mean: 5, max: 20 },
          samples,
          peakRssInBytes: 130 * mib,
          flatness: evaluateSoakFlatness(samples, 5000),
        },
      ],
      goals: [],
    };
    const text = formatDurationSoak(result);
    expect(text).toContain('soak: 10 s of Claude Code sessions');
    expect(text).toContain('RSS every 0.50 s, warm-up the first 5 s');
    // 2 MiB a second is 120 MiB a minute; 10 MiB over the post-warm-up 5 s; ends: 119 − 111.
    expect(text).toMatch(
      /ccb\s+321\s+0\s+4\.0\s+12\.4\s+110\.0–120\.0\s+\+120\.00\s+\+10\.0\s+\+8\.0\s+130\.0/,
    );
    expect(text).toMatch(
      /ccb\s+100\.0\s+102\.0\s+104\.0\s+106\.0\s+108\.0\s+110\.0\s+112\.0\s+114\.0\s+116\.0\s+118\.0\s+120\.0/,
    );
  });
});
