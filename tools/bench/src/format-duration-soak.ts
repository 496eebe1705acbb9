import { formatNumber, formatTable } from './format-table.js';
import type { DurationSoakResult } from './run-duration-soak.js';
import type { RssSample } from './soak-flatness.js';

const mib = (bytes: number | undefined) =>
  formatNumber(bytes === undefined ? undefined : bytes / 1024 / 1024, 1);

/** Fractions of the soak at which the RSS table shows a sample: every tenth. */
const checkpoints = Array.from({ length: 11 }, (_, index) => index / 10);

/** The sample nearest to `atInMs`, or undefined without samples. */
function nearest(samples: readonly RssSample[], atInMs: number): RssSample | undefined {
  let best: RssSample | undefined;
  for (const sample of samples) {
    if (best === undefined || Math.abs(sample.atInMs - atInMs) < Math.abs(best.atInMs - atInMs))
      best = sample;
  }
  return best;
}

/**
 * The timed soak as two plain-text tables: per target, its load and the flatness figures after warm-up; then its RSS
 * at every tenth of the soak (the nearest sample), to see the shape a fit reduces to one slope.
 */
export function formatDurationSoak(result: DurationSoakResult): string {
  const seconds = formatNumber(result.elapsedInMs / 1000, 0);
  const title = `soak: ${seconds} s of Claude Code sessions (streams, bodies growing 50 KB → 1 MiB, new sessions all along), ${result.connections} connections per target, affinity on; RSS every ${formatNumber(result.sampleIntervalInMs / 1000, 2)} s, warm-up the first ${formatNumber(result.warmupInMs / 1000, 0)} s`;
  const figures = formatTable(
    [
      { header: 'target', align: 'left' },
      { header: 'streams' },
      { header: 'errors' },
      { header: 'TTFT p50 ms' },
      { header: 'TTFT p99 ms' },
      { header: 'RSS after warm-up MiB' },
      { header: 'slope MiB/min' },
      { header: 'fit growth MiB' },
      { header: 'end growth MiB' },
      { header: 'peak RSS MiB' },
    ],
    result.targets.map((target) => [
      target.target,
      String(target.completed),
      String(target.failed),
      formatNumber(target.ttft.p50, 1),
      formatNumber(target.ttft.p99, 1),
      `${mib(target.flatness.minRssInBytes)}–${mib(target.flatness.maxRssInBytes)}`,
      formatNumber(target.flatness.slopeInBytesPerMinute / 1024 / 1024, 2, true),
      formatNumber(target.flatness.fittedGrowthInBytes / 1024 / 1024, 1, true),
      formatNumber(target.flatness.endGrowthInBytes / 1024 / 1024, 1, true),
      mib(target.peakRssInBytes),
    ]),
  );
  const shape = formatTable(
    [
      { header: 'RSS MiB at', align: 'left' },
      ...checkpoints.map((fraction) => ({ header: `${Math.round(fraction * 100)}%` })),
    ],
    result.targets.map((target) => [
      target.target,
      ...checkpoints.map((fraction) =>
        mib(nearest(target.samples, fraction * result.elapsedInMs)?.rssInBytes),
      ),
    ]),
  );
  return [title, figures, '', shape].join('\n');
}
