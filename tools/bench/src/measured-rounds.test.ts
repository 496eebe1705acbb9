import { describe, expect, it } from 'vitest';
import type { RoundMeasurement } from './compare-targets.js';
import { measuredTurns, measureRounds, runInTurns } from './measured-rounds.js';

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

describe('runInTurns', () => {
  it("alternates a count of windows (a warm-up's slices) as the rounds do, giving each run its window", async () => {
    const runs: string[] = [];
    await runInTurns(['a', 'b', 'c'], 3, async (target, window) => {
      runs.push(`${target}${window}`);
    });
    expect(runs).toEqual(['a0', 'b0', 'c0', 'c1', 'b1', 'a1', 'a2', 'b2', 'c2']);
  });
});

describe('measureRounds', () => {
  /**
   * A window whose count says which call it was (call n completes 2^(n-1), so every sum names its calls), taking a
   * turn of the event loop, and counting how many windows ran at once.
   */
  function fakeWindows() {
    const calls: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const measureWindow = async (target: string): Promise<RoundMeasurement> => {
      calls.push(target);
      const call = calls.length;
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return { completed: 2 ** (call - 1), failed: 0, measuredInMs: 1000, served: 1, cpuTimeInMs: 10 * call };
    };
    return { calls, measureWindow, mostAtOnce: () => mostAtOnce };
  }

  it('runs the windows one at a time in their turns and gives one round per round, its windows combined', async () => {
    const { calls, measureWindow, mostAtOnce } = fakeWindows();
    const rounds = await measureRounds(['a', 'b'], measuredTurns(2, 2), measureWindow);
    expect(calls).toEqual(['a', 'b', 'b', 'a', 'a', 'b', 'b', 'a']);
    expect(mostAtOnce()).toBe(1);
    // Round 1 of a: calls 1 and 4 (1 + 8); of b: 2 and 3 (2 + 4). Round 2 of a: 5 and 8; of b: 6 and 7.
    expect(rounds.get('a')?.map((round) => [round.completed, round.served, round.cpuTimeInMs])).toEqual([
      [1 + 8, 2, 50],
      [16 + 128, 2, 130],
    ]);
    expect(rounds.get('b')?.map((round) => [round.completed, round.served, round.measuredInMs])).toEqual([
      [2 + 4, 2, 2000],
      [32 + 64, 2, 2000],
    ]);
  });

  it('gives a one-window round exactly as it was measured', async () => {
    const { calls, measureWindow } = fakeWindows();
    const rounds = await measureRounds(['a', 'b', 'c'], measuredTurns(2, 1), measureWindow);
    expect(calls).toEqual(['a', 'b', 'c', 'c', 'b', 'a']);
    expect(rounds.get('c')?.map((round) => round.completed)).toEqual([4, 8]);
  });
});
