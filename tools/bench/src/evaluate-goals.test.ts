import { describe, expect, it } from 'vitest';
import { compareTargets, type PairedComparison, type TargetRow } from './compare-targets.js';
import { evaluateGoals, type GoalCheck } from './evaluate-goals.js';
import type { SampleSummary } from './latency-stats.js';
import { summarizeRounds } from './paired-ratios.js';
import type { TargetId } from './scenarios.js';

function summary(p50: number, p99: number): SampleSummary {
  return { count: 100, p50, p95: p99, p99, mean: p50, max: p99 };
}

function row(target: TargetId, fields: Partial<TargetRow> = {}): TargetRow {
  const headline = fields.headline ?? summary(1, 2);
  return {
    target,
    completed: 1000,
    failed: 0,
    measuredInMs: 1000,
    latency: headline,
    ttfb: undefined,
    cpuTimeInMs: undefined,
    served: 1000,
    peakRssInBytes: undefined,
    rps: 1000,
    headline,
    addedP50InMs: 0,
    addedP99InMs: 0,
    rpsRatioToNodePipe: undefined,
    cpuPerRequestInUs: 100,
    rounds: [],
    versusNodePipe: undefined,
    logsAndMetricsCost: undefined,
    loop: undefined,
    upstreamLoop: undefined,
    ...fields,
  };
}

/** Per-round ratios to node-pipe, as compareTargets would pair them. */
function paired(
  rpsRatios: readonly number[],
  cpuRatios: readonly number[] = rpsRatios.map(() => 1),
): PairedComparison {
  return { rpsRatio: summarizeRounds(rpsRatios), cpuPerRequestRatio: summarizeRounds(cpuRatios) };
}

/** Rows of one scenario measured in 1 s rounds, derived by compareTargets (RPS, and CPU µs per request). */
function measuredRows(
  targets: Partial<Record<TargetId, { rps: number[]; cpuInUs?: number[] }>>,
): TargetRow[] {
  return compareTargets(
    { load: 'autocannon' },
    Object.entries(targets).map(([target, { rps, cpuInUs }]) => {
      const rounds = rps.map((completed, index) => ({
        completed,
        failed: 0,
        measuredInMs: 1000,
        served: completed,
        cpuTimeInMs: cpuInUs === undefined ? undefined : ((cpuInUs[index] as number) * completed) / 1000,
      }));
      const sum = (pick: (round: (typeof rounds)[number]) => number) =>
        rounds.reduce((total, round) => total + pick(round), 0);
      return {
        target: target as TargetId,
        completed: sum((round) => round.completed),
        failed: 0,
        measuredInMs: sum((round) => round.measuredInMs),
        latency: summary(1, 2),
        ttfb: undefined,
        cpuTimeInMs: cpuInUs === undefined ? undefined : sum((round) => round.cpuTimeInMs ?? 0),
        served: sum((round) => round.served),
        peakRssInBytes: undefined,
        rounds,
      };
    }),
  );
}

function find(checks: readonly GoalCheck[], goal: string, scenario: string): GoalCheck | undefined {
  return checks.find((check) => check.goal === goal && check.scenario === scenario);
}

describe('evaluateGoals', () => {
  it('meets the RPS goal at a median of 85% of node-pipe and misses it below', () => {
    const checks = evaluateGoals([
      {
        scenario: { id: 'a', failover: false },
        rows: [row('node-pipe'), row('ccb', { versusNodePipe: paired([0.5, 0.85, 0.9]) })],
      },
      {
        scenario: { id: 'b', failover: false },
        rows: [row('node-pipe'), row('ccb', { versusNodePipe: paired([0.849, 0.84, 1.5]) })],
      },
    ]);
    expect(find(checks, 'ccb RPS vs node-pipe', 'a')?.status).toBe('met');
    expect(find(checks, 'ccb RPS vs node-pipe', 'b')?.status).toBe('missed');
  });

  it('says the ratios are medians of paired rounds and shows their range', () => {
    const checks = evaluateGoals([
      {
        scenario: { id: 'a', failover: false },
        rows: [
          row('node-pipe'),
          row('ccb', { versusNodePipe: paired([0.88, 0.93, 0.97, 0.9, 0.95], [1.1, 1.2, 1.3, 1.2, 1.25]) }),
        ],
      },
    ]);
    expect(find(checks, 'ccb RPS vs node-pipe', 'a')?.measured).toBe(
      '93% (median of 5 paired rounds, 88%–97%)',
    );
    expect(find(checks, 'CPU per request vs node-pipe', 'a')?.measured).toMatch(
      /^1\.20× \(median of 5 paired rounds, 1\.10×–1\.30×; /,
    );
  });

  it('judges RPS and CPU per request by paired medians where the totals would say the opposite', () => {
    // Scenario a: one round caught node-pipe fast and ccb slow, so totals miss (56%, 1.8×) and the pairs
    // meet (90%, 1.2×). Scenario b: one round caught ccb fast, so totals meet and the pairs miss.
    const checks = evaluateGoals([
      {
        scenario: { id: 'a', failover: false },
        rows: measuredRows({
          'node-pipe': { rps: [1000, 1000, 3000], cpuInUs: [100, 100, 100] },
          ccb: { rps: [900, 900, 1000], cpuInUs: [120, 120, 300] },
        }),
      },
      {
        scenario: { id: 'b', failover: false },
        rows: measuredRows({
          'node-pipe': { rps: [1000, 1000, 1000], cpuInUs: [100, 100, 100] },
          ccb: { rps: [800, 800, 3000], cpuInUs: [140, 140, 50] },
        }),
      },
    ]);
    expect(find(checks, 'ccb RPS vs node-pipe', 'a')?.status).toBe('met');
    expect(find(checks, 'CPU per request vs node-pipe', 'a')?.status).toBe('met');
    expect(find(checks, 'ccb RPS vs node-pipe', 'b')?.status).toBe('missed');
    expect(find(checks, 'CPU per request vs node-pipe', 'b')?.status).toBe('missed');
  });

  it('checks the cost of logs and metrics (under 10%) per scenario only when ccb-quiet was measured', () => {
    const goal = 'logs+metrics RPS cost (ccb vs ccb-quiet)';
    const checks = evaluateGoals([
      {
        // Totals: 2400 / 3000 = 20% cost; the median round: 5%.
        scenario: { id: 'a', failover: false },
        rows: measuredRows({
          'node-pipe': { rps: [1000, 1000, 1000] },
          ccb: { rps: [950, 950, 500], cpuInUs: [110, 110, 200] },
          'ccb-quiet': { rps: [1000, 1000, 1000], cpuInUs: [100, 100, 100] },
        }),
      },
      {
        // Without node-pipe the cost is still judged. Totals: 9% cost; the median round: 10.1%.
        scenario: { id: 'b', failover: false },
        rows: measuredRows({ ccb: { rps: [880, 899, 950] }, 'ccb-quiet': { rps: [1000, 1000, 1000] } }),
      },
      {
        scenario: { id: 'c', failover: false },
        rows: measuredRows({ 'node-pipe': { rps: [1000] }, ccb: { rps: [500] } }),
      },
      {
        scenario: { id: 'failover-c50', failover: true },
        rows: measuredRows({ ccb: { rps: [500] }, 'ccb-quiet': { rps: [1000] } }),
      },
    ]);
    expect(find(checks, goal, 'a')).toMatchObject({
      status: 'met',
      measured: '5% (median of 3 paired rounds, 5%–50%; CPU/req 1.10×)',
      limit: '< 10%',
    });
    expect(find(checks, goal, 'b')?.status).toBe('missed');
    expect(find(checks, goal, 'c')).toBeUndefined();
    expect(find(checks, goal, 'failover-c50')).toBeUndefined();
  });

  it('floors node-pipe added latency at 0.1 ms so noise around zero does not make the goal unreachable', () => {
    const checks = evaluateGoals([
      {
        scenario: { id: 'a', failover: false },
        rows: [
          row('node-pipe', { addedP50InMs: -0.2, addedP99InMs: 0.05 }),
          row('ccb', { addedP50InMs: 0.15, addedP99InMs: 0.3 }),
        ],
      },
    ]);
    expect(find(checks, 'added p50 vs node-pipe', 'a')?.status).toBe('met');
    expect(find(checks, 'added p99 vs node-pipe', 'a')?.status).toBe('missed');
  });

  it('marks a goal not measured when a value is missing instead of calling it missed', () => {
    const checks = evaluateGoals([
      {
        scenario: { id: 'a', failover: false },
        rows: [row('node-pipe'), row('ccb', { versusNodePipe: paired([Number.NaN, Number.NaN]) })],
      },
    ]);
    expect(find(checks, 'ccb RPS vs node-pipe', 'a')?.status).toBe('not measured');
    expect(find(checks, 'CPU per request vs node-pipe', 'a')?.status).toBe('met');
    expect(find(checks, 'peak RSS at 1000 streams', 'stream-c1000')?.status).toBe('not measured');
  });

  it('leaves the failover scenario out of the per-scenario goals and judges its p99 against healthy ccb', () => {
    const checks = evaluateGoals([
      {
        scenario: { id: 'nonstream-c50', failover: false },
        rows: [row('ccb', { headline: summary(5, 10) })],
      },
      {
        scenario: { id: 'failover-c50', failover: true },
        rows: [row('node-pipe'), row('ccb', { rps: 1, headline: summary(8, 21) })],
      },
    ]);
    expect(find(checks, 'ccb RPS vs node-pipe', 'failover-c50')).toBeUndefined();
    expect(find(checks, 'failover p99 vs healthy p99', 'failover-c50')?.status).toBe('missed');
  });

  it('requires peak RSS at 1000 streams within 1.25× node-pipe and under 256 MiB', () => {
    const mib = 1024 * 1024;
    const evaluate = (ccbRss: number, nodePipeRss: number) =>
      find(
        evaluateGoals([
          {
            scenario: { id: 'stream-c1000', failover: false },
            rows: [row('node-pipe', { peakRssInBytes: nodePipeRss }), row('ccb', { peakRssInBytes: ccbRss })],
          },
        ]),
        'peak RSS at 1000 streams',
        'stream-c1000',
      )?.status;
    expect(evaluate(125 * mib, 100 * mib)).toBe('met');
    expect(evaluate(126 * mib, 100 * mib)).toBe('missed');
    expect(evaluate(256 * mib, 240 * mib)).toBe('missed');
  });

  it('checks what a 1 MiB body adds over node-pipe at p50 and the stream TTFB added over direct', () => {
    const checks = evaluateGoals([
      {
        scenario: { id: 'body-1mb-c20', failover: false },
        rows: [row('node-pipe', { headline: summary(10, 20) }), row('ccb', { headline: summary(11.9, 20) })],
      },
      {
        scenario: { id: 'ttfb-c50', failover: false },
        rows: [row('direct'), row('ccb', { addedP50InMs: 1 })],
      },
    ]);
    expect(find(checks, '1 MiB body p50 over node-pipe', 'body-1mb-c20')?.status).toBe('met');
    expect(find(checks, 'stream TTFB added (p50)', 'ttfb-c50')?.status).toBe('missed');
  });
});
