import { describe, expect, it } from 'vitest';
import {
  measuresTarget,
  scenarios,
  scenariosOf,
  targetIds,
  warmupOf,
  windowsPerRoundOf,
} from './scenarios.js';

describe('measuresTarget', () => {
  it('measures the Bedrock targets only where the upstream is the paced mock, every other target everywhere', () => {
    const byId = (id: string) =>
      scenarios.find((scenario) => scenario.id === id) as (typeof scenarios)[number];
    expect(measuresTarget(byId('stream-c100'), 'ccb-bedrock')).toBe(true);
    expect(measuresTarget(byId('nonstream-c50'), 'ccb-bedrock-sigv4')).toBe(true);
    expect(measuresTarget(byId('cc-stream-50k-c50'), 'ccb-bedrock')).toBe(false);
    expect(measuresTarget(byId('cc-growing-c20'), 'ccb-bedrock-sigv4')).toBe(false);
    for (const target of targetIds.filter((id) => !id.startsWith('ccb-bedrock'))) {
      expect(
        scenarios.every((scenario) => measuresTarget(scenario, target)),
        target,
      ).toBe(true);
    }
  });
});

describe('warmupOf', () => {
  it('warms the Claude Code scenarios up for 15 s and the others for 1 s, unless --warmup sets one for all', () => {
    expect(scenariosOf('claude-code')).toHaveLength(6);
    for (const scenario of scenariosOf('claude-code'))
      expect(warmupOf(scenario, undefined), scenario.id).toBe(15_000);
    for (const scenario of scenariosOf('default'))
      expect(warmupOf(scenario, undefined), scenario.id).toBe(1000);
    for (const scenario of scenarios) expect(warmupOf(scenario, 2500), scenario.id).toBe(2500);
  });
});

describe('windowsPerRoundOf', () => {
  it('gives the Claude Code scenarios four windows a round and the others one, unless --windows sets one for all', () => {
    for (const scenario of scenariosOf('claude-code'))
      expect(windowsPerRoundOf(scenario, undefined), scenario.id).toBe(4);
    for (const scenario of scenariosOf('default'))
      expect(windowsPerRoundOf(scenario, undefined), scenario.id).toBe(1);
    for (const scenario of scenarios) expect(windowsPerRoundOf(scenario, 2), scenario.id).toBe(2);
  });
});
