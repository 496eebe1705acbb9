import { type Scenario, windowsPerRoundOf } from './scenarios.js';

/**
 * How a run's rounds are split into windows, for its progress line: `''` when every round is one window, ` of 4
 * windows` when all have the same number, ` of 1–4 windows` when the scenarios differ (the Claude Code set's four
 * beside the others' one).
 */
export function windowsLabel(scenarios: readonly Scenario[], windowsPerRound: number | undefined): string {
  if (scenarios.length === 0) return '';
  const counts = scenarios.map((scenario) => windowsPerRoundOf(scenario, windowsPerRound));
  const fewest = Math.min(...counts);
  const most = Math.max(...counts);
  if (most === 1) return '';
  return fewest === most ? ` of ${most} windows` : ` of ${fewest}–${most} windows`;
}
