import { describe, expect, it } from 'vitest';
import { scenarioLoadTimeInMs, unmeasuredWindowsInMs } from './run-scenario.js';
import { scenarios } from './scenarios.js';

const byId = (id: string) => scenarios.find((scenario) => scenario.id === id) as (typeof scenarios)[number];

describe('scenarioLoadTimeInMs', () => {
  it("counts each target's warm-up, in slices with a ramp each: the scenario's own unless --warmup sets one", () => {
    const timing = {
      durationInMs: 1000,
      rounds: 2,
      windowsPerRound: 1,
      targets: ['node-pipe', 'ccb'] as const,
    };
    const claudeCode = byId('cc-50k-c50');
    // One more round: one window and its ramp per target.
    const rampInMs =
      (scenarioLoadTimeInMs(claudeCode, { ...timing, rounds: 3, warmupInMs: 1000 }) -
        scenarioLoadTimeInMs(claudeCode, { ...timing, warmupInMs: 1000 })) /
        2 -
      1000;
    expect(rampInMs).toBeGreaterThan(0);
    // 15 s in eight slices instead of 1 s in one: 14 s more, and seven more ramps, per target.
    expect(
      scenarioLoadTimeInMs(claudeCode, { ...timing, warmupInMs: undefined }) -
        scenarioLoadTimeInMs(claudeCode, { ...timing, warmupInMs: 1000 }),
    ).toBe(2 * (14_000 + 7 * rampInMs));
    const short = byId('nonstream-c50');
    expect(scenarioLoadTimeInMs(short, { ...timing, warmupInMs: undefined })).toBe(
      scenarioLoadTimeInMs(short, { ...timing, warmupInMs: 1000 }),
    );
  });

  it('counts one unmeasured round per target after the warm-up, beside the measured ones', () => {
    const short = byId('nonstream-c50');
    const timing = { durationInMs: 1000, warmupInMs: 1000, targets: ['node-pipe', 'ccb'] as const };
    const oneRound = scenarioLoadTimeInMs(short, { ...timing, rounds: 1 });
    const perRound = scenarioLoadTimeInMs(short, { ...timing, rounds: 2 }) - oneRound;
    // Each window (warm-up, the unmeasured round, one measured round) has its connection ramp.
    const perTargetRamp = (oneRound - 2 * perRound) / 2 - 1000;
    expect(perRound).toBe(2 * (1000 + perTargetRamp));
    expect(perTargetRamp).toBeGreaterThan(0);
  });
});

describe('measured windows per round', () => {
  it("counts every round's windows, the scenario's own number unless --windows sets one", () => {
    const timing = { durationInMs: 1000, warmupInMs: 1000, targets: ['node-pipe', 'ccb'] as const };
    const claudeCode = byId('cc-200k-c50');
    const perWindow =
      scenarioLoadTimeInMs(claudeCode, { ...timing, rounds: 2, windowsPerRound: 1 }) -
      scenarioLoadTimeInMs(claudeCode, { ...timing, rounds: 1, windowsPerRound: 1 });
    // The Claude Code set measures four windows per target in each round; the default set one.
    expect(
      scenarioLoadTimeInMs(claudeCode, { ...timing, rounds: 2 }) -
        scenarioLoadTimeInMs(claudeCode, { ...timing, rounds: 1 }),
    ).toBe(4 * perWindow);
    expect(
      scenarioLoadTimeInMs(claudeCode, { ...timing, rounds: 2, windowsPerRound: 3 }) -
        scenarioLoadTimeInMs(claudeCode, { ...timing, rounds: 1, windowsPerRound: 3 }),
    ).toBe(3 * perWindow);
    const short = byId('nonstream-c50');
    expect(scenarioLoadTimeInMs(short, { ...timing, rounds: 2 })).toBe(
      scenarioLoadTimeInMs(short, { ...timing, rounds: 2, windowsPerRound: 1 }),
    );
  });
});

describe('unmeasuredWindowsInMs', () => {
  it("runs each target's warm-up in slices of at most 2 s, then one round's window, before the rounds", () => {
    expect(
      unmeasuredWindowsInMs(byId('nonstream-c50'), { durationInMs: 2000, warmupInMs: undefined }),
    ).toEqual([1000, 2000]);
    // The Claude Code set warms up for 15 s: eight equal slices. A streaming scenario's window is at least 1.5 s.
    expect(
      unmeasuredWindowsInMs(byId('cc-stream-50k-c50'), { durationInMs: 1000, warmupInMs: undefined }),
    ).toEqual([...Array.from({ length: 8 }, () => 1875), 1500]);
    expect(unmeasuredWindowsInMs(byId('cc-50k-c50'), { durationInMs: 1000, warmupInMs: 4000 })).toEqual([
      2000, 2000, 1000,
    ]);
  });
});
