import { describe, expect, it } from 'vitest';
import type { TargetRow } from './compare-targets.js';
import { evaluateGoals, type GoalCheck } from './evaluate-goals.js';
import type { SampleSummary } from './latency-stats.js';
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
    ...fields,
  };
}

function find(checks: readonly GoalCheck[], goal: string, scenario: string): GoalCheck | undefined {
  return checks.find((check) => check.goal === goal && check.scenario === scenario);
}

describe('evaluateGoals', () => {
  it('meets the RPS goal at 85% of node-pipe and misses it below', () => {
    const checks = evaluateGoals([
      { scenario: { id: 'a', failover: false }, rows: [row('node-pipe'), row('ccb', { rps: 850 })] },
      { scenario: { id: 'b', failover: false }, rows: [row('node-pipe'), row('ccb', { rps: 849 })] },
    ]);
    expect(find(checks, 'ccb RPS vs node-pipe', 'a')?.status).toBe('met');
    expect(find(checks, 'ccb RPS vs node-pipe', 'b')?.status).toBe('missed');
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
      { scenario: { id: 'a', failover: false }, rows: [row('node-pipe', { rps: Number.NaN }), row('ccb')] },
    ]);
    expect(find(checks, 'ccb RPS vs node-pipe', 'a')?.status).toBe('not measured');
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
