import { describe, expect, it } from 'vitest';
import type { RoundMeasurement } from './compare-targets.js';
import { measuredTurns, measureRounds } from './measured-rounds.js';

describe('measuredTurns', () => {
  it('has the targets take turns window by window, each first in half of an even round', () => {
    expect(measuredTurns(2, 1)).toEqual([['forward'], ['reversed']]);
    const turns = measuredTurns(3, 4);
    expect(turns).toHaveLength(3);
    for (const round of turns) {
      expect(round).toEqual(['forward', 'reversed', 'forward', 'reversed']);
    }
    // An odd number of windows carries the alternation on into the next round.
    expect(measuredTurns(2, 3)).toEqual([
      ['forward', 'reversed', 'forward'],
      ['reversed', 'forward', 'reversed'],
    ]);
  });
});

describe('measureRounds', () => {
  /** A window whose counts say which call it was: completed = the call's number, served = 1. */
  function fakeWindows() {
    const calls: string[] = [];
    const measureWindow = async (target: string): Promise<RoundMeasurement> => {
      calls.push(target);
      return {
        completed: calls.length,
        failed: 0,
        measuredInMs: 1000,
        served: 1,
        cpuTimeInMs: 10 * calls.length,
      };
    };
    return { calls, measureWindow };
  }

  it('runs the windows one at a time in their turns and gives one round per round, its windows combined', async () => {
    const { calls, measureWindow } = fakeWindows();
    const rounds = await measureRounds(['a', 'b'], measuredTurns(2, 2), measureWindow);
    expect(calls).toEqual(['a', 'b', 'b', 'a', 'a', 'b', 'b', 'a']);
    // Round 1 of a: calls 1 and 4; of b: 2 and 3. Round 2 of a: 5 and 8; of b: 6 and 7.
    expect(rounds.get('a')?.map((round) => [round.completed, round.served, round.cpuTimeInMs])).toEqual([
      [5, 2, 50],
      [13, 2, 130],
    ]);
    expect(rounds.get('b')?.map((round) => [round.completed, round.served, round.measuredInMs])).toEqual([
      [5, 2, 2000],
      [13, 2, 2000],
    ]);
  });

  it('gives a one-window round exactly as it was measured', async () => {
    const { calls, measureWindow } = fakeWindows();
    const rounds = await measureRounds(['a', 'b', 'c'], measuredTurns(2, 1), measureWindow);
    expect(calls).toEqual(['a', 'b', 'c', 'c', 'b', 'a']);
    expect(rounds.get('c')?.map((round) => round.completed)).toEqual([3, 4]);
  });
});
