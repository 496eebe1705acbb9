import { combineWindows } from './combine-windows.js';
import type { RoundMeasurement } from './compare-targets.js';

/** The order of the targets in one window: as listed (A B C) or reversed (C B A). */
export type TurnOrder = 'forward' | 'reversed';

/**
 * The order of the targets in each measured window, round by round: A B C, then C B A, window after window, so that
 * no target always runs right after the same neighbour, or always first in a round (with two targets and an even
 * number of windows per round, each runs first in half of a round's windows).
 */
export function measuredTurns(rounds: number, windowsPerRound: number): TurnOrder[][] {
  return Array.from({ length: rounds }, (_, round) =>
    Array.from({ length: windowsPerRound }, (_, window) =>
      (round * windowsPerRound + window) % 2 === 0 ? 'forward' : 'reversed',
    ),
  );
}

/**
 * Runs every round's windows in their turns, one at a time, and gives each target's rounds in order, each its
 * windows of that round combined (see `combineWindows`).
 */
export async function measureRounds<Target>(
  targets: readonly Target[],
  turns: readonly (readonly TurnOrder[])[],
  measureWindow: (target: Target) => Promise<RoundMeasurement>,
): Promise<Map<Target, RoundMeasurement[]>> {
  const rounds = new Map(targets.map((target) => [target, [] as RoundMeasurement[]]));
  const reversed = [...targets].reverse();
  for (const roundTurns of turns) {
    const windowsOf = new Map(targets.map((target) => [target, [] as RoundMeasurement[]]));
    for (const turn of roundTurns) {
      for (const target of turn === 'forward' ? targets : reversed) {
        windowsOf.get(target)?.push(await measureWindow(target));
      }
    }
    for (const target of targets) {
      rounds.get(target)?.push(combineWindows(windowsOf.get(target) as RoundMeasurement[]));
    }
  }
  return rounds;
}
