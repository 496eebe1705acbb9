import { describe, expect, it } from 'vitest';
import type { TargetRow } from './compare-targets.js';
import { formatLoopTable } from './format-loop-table.js';
import type { LoopSummary } from './loop-summary.js';
import { summarizeRounds } from './paired-ratios.js';

const summary: LoopSummary = {
  rounds: 2,
  delayP50InMs: summarizeRounds([0.2, 0.4]),
  delayP99InMs: summarizeRounds([4, 12]),
  delayMaxInMs: 48.25,
  utilization: summarizeRounds([0.5, 0.7]),
  gc: { count: 5, totalInMs: 20, maxInMs: 9 },
  gcByKind: { minor: { count: 4, totalInMs: 11, maxInMs: 4 }, major: { count: 1, totalInMs: 9, maxInMs: 9 } },
};

function row(
  target: TargetRow['target'],
  loop: LoopSummary | undefined,
  mockBusy?: number,
  offMainThreadCpuShare?: number,
): TargetRow {
  return {
    target,
    served: 2000,
    loop,
    offMainThreadCpuShare,
    upstreamLoop:
      mockBusy === undefined ? undefined : { ...summary, utilization: summarizeRounds([mockBusy]) },
  } as TargetRow;
}

describe('formatLoopTable', () => {
  it('shows each probed target: delay percentiles and range, loop busy, CPU off the main thread, GC totals per request and by kind', () => {
    const table = formatLoopTable([row('direct', undefined, 0.9), row('ccb', summary, 0.2, 0.184)]) as string;
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^event loop and GC/);
    expect(lines[3]).toMatch(/^direct\s+—\s+—\s+—\s+—\s+—\s+—\s+—\s+—\s+—\s+—\s+90%\s+—$/);
    expect(lines[4]).toMatch(
      /^ccb\s+0\.3\s+8\.0\s+4\.0–12\.0\s+48\.3\s+60%\s+18%\s+5\s+20\.0\s+9\.0\s+10\.0\s+20%\s+minor 4\/11\.0, major 1\/9\.0$/,
    );
  });

  it('is absent when no target was probed', () => {
    expect(formatLoopTable([row('direct', undefined)])).toBeUndefined();
  });
});
