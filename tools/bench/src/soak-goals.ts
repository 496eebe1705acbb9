import { formatNumber } from './format-table.js';
import type { GoalCheck } from './goal-check.js';
import type { SoakFlatness } from './soak-flatness.js';

/**
 * Issue 20's memory line for the soak: ccb's RSS "flat over a 10-minute soak with large bodies (no growth after
 * warm-up)". Flat means both figures of {@link SoakFlatness} within `maxGrowthInBytes`.
 */
export const soakGoalLimits = {
  /**
   * 16 MiB of growth after warm-up, at most (fitted line, and end means). Why 16: it is ~10 % of ccb's peak RSS
   * under these bodies (150–200 MB, issue 20), above what the sawtooth of collections leaves in a fit over dozens
   * of samples (bodies of up to 1 MiB held by 20 connections swing RSS by tens of MiB, but not steadily up), and
   * low enough to catch a real leak: the 10-minute soak serves 30–40 streams a second per target, 9 000–12 000 in
   * its post-warm-up half, so anything kept per request from ~1.5–2 KB up (a record, a log line, a session entry;
   * or one body in a hundred) crosses it.
   */
  maxGrowthInBytes: 16 * 1024 * 1024,
  /** Fewer post-warm-up samples than this say nothing about a trend: the line is `not measured`. */
  minSamples: 10,
  /** The soak length issue 20 asks for, in ms; a shorter soak says so in its line. */
  issueDurationInMs: 10 * 60_000,
} as const;

const mib = (bytes: number) => `${formatNumber(bytes / 1024 / 1024, 1)} MiB`;

/** Options of {@link soakFlatnessCheck}. */
export interface SoakFlatnessCheckOptions {
  /** The process the line is about, e.g. `ccb`. */
  readonly target: string;
  /** The soak's load time, in ms. */
  readonly durationInMs: number;
}

/**
 * The goal line for one process: met when neither the fitted growth nor the end-to-end growth after warm-up exceeds
 * {@link soakGoalLimits}.maxGrowthInBytes; `not measured` without enough samples (no /proc, or a soak too short).
 */
export function soakFlatnessCheck(flatness: SoakFlatness, options: SoakFlatnessCheckOptions): GoalCheck {
  const limits = soakGoalLimits;
  const goal = `${options.target} RSS flat after warm-up (issue 20)`;
  const scenario = 'soak';
  const limit = `growth ≤ ${mib(limits.maxGrowthInBytes)} after warm-up`;
  if (flatness.samples < limits.minSamples || !Number.isFinite(flatness.fittedGrowthInBytes)) {
    return {
      goal,
      scenario,
      measured: `${flatness.samples} samples after warm-up (needs ${limits.minSamples})`,
      limit,
      status: 'not measured',
    };
  }
  const shortNote =
    options.durationInMs < limits.issueDurationInMs
      ? `; soak of ${formatNumber(options.durationInMs / 1000, 0)} s, the issue asks for 10 min`
      : '';
  const growth = Math.max(flatness.fittedGrowthInBytes, flatness.endGrowthInBytes);
  return {
    goal,
    scenario,
    measured: `fit ${mib(flatness.fittedGrowthInBytes)} (${mib(flatness.slopeInBytesPerMinute)}/min), end ${mib(flatness.endGrowthInBytes)}, over ${flatness.samples} samples${shortNote}`,
    limit,
    status: growth <= limits.maxGrowthInBytes ? 'met' : 'missed',
  };
}
