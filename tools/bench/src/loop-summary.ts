import { addGcTotals, type GcTotals, type LoopFigures } from './loop-figures.js';
import { type PairedRatio, summarizeRounds } from './paired-ratios.js';

/** A target's loop figures over all rounds of a scenario (see {@link LoopFigures}). */
export interface LoopSummary {
  /** Rounds with figures. */
  readonly rounds: number;
  /** Event-loop delay p50 and p99 of each round, in ms: median, range and per-round values. */
  readonly delayP50InMs: PairedRatio;
  readonly delayP99InMs: PairedRatio;
  /** The longest delay in any round, in ms. */
  readonly delayMaxInMs: number;
  /** Loop utilization of each round (0..1). */
  readonly utilization: PairedRatio;
  /** GC pauses summed over the rounds, all kinds and by kind. */
  readonly gc: GcTotals;
  readonly gcByKind: Readonly<Record<string, GcTotals>>;
}

/**
 * Summarizes per-round figures (`undefined` for a round the probe did not answer); `undefined` when no round has
 * any (the target runs without the probe, e.g. `direct`).
 */
export function summarizeLoopRounds(perRound: readonly (LoopFigures | undefined)[]): LoopSummary | undefined {
  const measured = perRound.filter((figures): figures is LoopFigures => figures !== undefined);
  if (measured.length === 0) return undefined;
  let gc: GcTotals = { count: 0, totalInMs: 0, maxInMs: 0 };
  const gcByKind: Record<string, GcTotals> = {};
  for (const figures of measured) {
    gc = addGcTotals(gc, figures.gc);
    for (const [kind, totals] of Object.entries(figures.gcByKind)) {
      gcByKind[kind] = addGcTotals(gcByKind[kind], totals);
    }
  }
  return {
    rounds: measured.length,
    delayP50InMs: summarizeRounds(perRound.map((figures) => figures?.delay.p50InMs)),
    delayP99InMs: summarizeRounds(perRound.map((figures) => figures?.delay.p99InMs)),
    delayMaxInMs: Math.max(...measured.map((figures) => figures.delay.maxInMs)),
    utilization: summarizeRounds(perRound.map((figures) => figures?.utilization)),
    gc,
    gcByKind,
  };
}
