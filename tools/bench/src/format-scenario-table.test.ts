import { describe, expect, it } from 'vitest';
import { compareTargets, type RoundMeasurement, type TargetMeasurement } from './compare-targets.js';
import { formatScenarioTable } from './format-scenario-table.js';
import type { SampleSummary } from './latency-stats.js';
import type { TargetId } from './scenarios.js';

const latency: SampleSummary = { count: 100, p50: 1, p95: 2, p99: 2, mean: 1, max: 2 };

/** A target measured in 1 s rounds, `cpuInUs` per request in each. */
function measured(target: TargetId, rps: readonly number[], cpuInUs: readonly number[]): TargetMeasurement {
  const rounds: RoundMeasurement[] = rps.map((completed, index) => ({
    completed,
    failed: 0,
    measuredInMs: 1000,
    served: completed,
    cpuTimeInMs: ((cpuInUs[index] as number) * completed) / 1000,
  }));
  const sum = (pick: (round: RoundMeasurement) => number) =>
    rounds.reduce((total, round) => total + pick(round), 0);
  return {
    target,
    completed: sum((round) => round.completed),
    failed: 0,
    measuredInMs: sum((round) => round.measuredInMs),
    latency,
    ttfb: undefined,
    cpuTimeInMs: sum((round) => round.cpuTimeInMs ?? 0),
    served: sum((round) => round.served),
    peakRssInBytes: undefined,
    rounds,
  };
}

const scenario = { id: 's', title: 'a scenario', load: 'autocannon', ttfbProbeConnections: 0 } as const;

describe('formatScenarioTable', () => {
  it("shows the paired median to node-pipe with its rounds' range, and says how many rounds were paired", () => {
    const lines = formatScenarioTable(
      scenario,
      compareTargets(scenario, [
        measured('node-pipe', [1000, 1000, 3000], [100, 100, 100]),
        measured('ccb', [900, 800, 1000], [120, 130, 300]),
      ]),
    ).split('\n');
    const cells = (line: string | undefined) => line?.trim().split(/ {2,}/);
    const header = cells(lines[1]) ?? [];
    const ccb = cells(lines.find((line) => line.startsWith('ccb')));
    const at = (name: string) => ccb?.[header.indexOf(name)];
    expect(at('RPS/node-pipe')).toBe('80%');
    expect(at('min–max')).toBe('33%–90%');
    expect(at('CPU/node-pipe')).toBe('1.30×');
    expect(lines.some((line) => line.includes('median of 3 paired rounds'))).toBe(true);
    expect(lines.some((line) => line.startsWith('logs and metrics'))).toBe(false);
  });

  it('adds the cost of logs and metrics when ccb-quiet was measured', () => {
    const text = formatScenarioTable(
      scenario,
      compareTargets(scenario, [
        measured('ccb', [950, 900, 500], [110, 120, 200]),
        measured('ccb-quiet', [1000, 1000, 1000], [100, 100, 100]),
      ]),
    );
    expect(text).toContain(
      'logs and metrics (ccb vs ccb-quiet, median of 3 paired rounds): 10% of throughput (rounds 5%–50%), CPU per request 1.20× (rounds 1.10×–2.00×)',
    );
  });

  it('adds ccb-shared against ccb when both were measured, and nothing about it otherwise', () => {
    const text = formatScenarioTable(
      scenario,
      compareTargets(scenario, [
        measured('ccb', [1000, 1000, 1000], [100, 100, 100]),
        measured('ccb-shared', [970, 940, 1000], [103, 110, 100]),
      ]),
    );
    expect(text).toContain(
      "Redis state and Postgres ledger (ccb-shared vs ccb, median of 3 paired rounds): RPS 97% of ccb's (rounds 94%–100%), CPU per request 1.03× (rounds 1.00×–1.10×)",
    );
    expect(
      formatScenarioTable(scenario, compareTargets(scenario, [measured('ccb', [1000], [100])])),
    ).not.toContain('ccb-shared');
  });

  it('adds each Bedrock target against ccb, named for what it measures', () => {
    const text = formatScenarioTable(
      scenario,
      compareTargets(scenario, [
        measured('ccb', [1000, 1000, 1000], [100, 100, 100]),
        measured('ccb-bedrock', [1000, 1000, 1000], [110, 120, 100]),
        measured('ccb-bedrock-sigv4', [1000, 1000, 1000], [120, 130, 110]),
      ]),
    );
    expect(text).toContain(
      "Bedrock translation, API key (ccb-bedrock vs ccb, median of 3 paired rounds): RPS 100% of ccb's (rounds 100%–100%), CPU per request 1.10× (rounds 1.00×–1.20×)",
    );
    expect(text).toContain('Bedrock translation and SigV4 (ccb-bedrock-sigv4 vs ccb');
    expect(text).not.toContain('Redis');
  });

  it('labels the latency columns by what a scenario times: first byte (TTFB) or first token (TTFT)', () => {
    const rows = compareTargets(scenario, [measured('ccb', [1000], [100])]);
    const header = (of: Parameters<typeof formatScenarioTable>[0]) =>
      formatScenarioTable(of, rows).split('\n')[1];
    expect(header({ ...scenario, load: 'ttfb' })).toContain('TTFB p99 ms');
    expect(header({ ...scenario, load: 'ttfb', timeTo: 'first-token' })).toContain('TTFT p99 ms');
    expect(header({ ...scenario, load: 'ttfb', timeTo: 'first-token' })).not.toContain('TTFB');
    expect(header({ ...scenario, ttfbProbeConnections: 10 })).toMatch(
      / p99 ms .*TTFB p50 ms {2,}TTFB p99 ms$/,
    );
    expect(header({ ...scenario, ttfbProbeConnections: 10, timeTo: 'first-token' })).toMatch(/TTFT p99 ms$/);
  });
});
