import { combineWindows } from './combine-windows.js';
import type { RoundMeasurement } from './compare-targets.js';

/** The order of the targets in one window: as listed (A B C) or reversed (C B A). */
export type TurnOrder = 'forward' | 'reversed';

/** `count` windows' orders, alternating from `first`-th window of a run on: A B C, C B A, A B C… */
function alternatingTurns(count: number, first = 0): TurnOrder[] {
  return Array.from({ length: count }, (_, window) => ((first + window) % 2 === 0 ? 'forward' : 'reversed'));
}

/**
 * The order of the targets in each measured window, round by round: A B C, then C B A, window after window, so that
 * no target always runs right after the same neighbour, or always first in a round (with two targets and an even
 * number of windows per round, each runs first in half of a round's windows).
 */
export function measuredTurns(rounds: number, windowsPerRound: number): TurnOrder[][] {
  return Array.from({ length: rounds }, (_, round) =>
    alternatingTurns(windowsPerRound, round * windowsPerRound),
  );
}

/**
 * Runs `run` for every target in every window, one at a time, in the windows' turns (a warm-up's slices, say:
 * `runInTurns(targets, windows.length, …)` alternates them as the rounds do); `run` gets the window's index.
 */
export async function runInTurns<Target>(
  targets: readonly Target[],
  turns: number | readonly TurnOrder[],
  run: (target: Target, window: number) => Promise<unknown>,
): Promise<void> {
  const orders = typeof turns === 'number' ? alternatingTurns(turns) : turns;
  const reversed = [...targets].reverse();
  for (const [window, order] of orders.entries()) {
    for (const target of order === 'forward' ? targets : reversed) await run(target, window);
  }
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
  for (const roundTurns of turns) {
    const windowsOf = new Map(targets.map((target) => [target, [] as RoundMeasurement[]]));
    await runInTurns(targets, roundTurns, async (target) => {
      windowsOf.get(target)?.push(await measureWindow(target));
    });
    for (const target of targets) {
      rounds.get(target)?.push(combineWindows(windowsOf.get(target) as RoundMeasurement[]));
    }
  }
  return rounds;
}
