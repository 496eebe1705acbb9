import type { TargetRow } from './compare-targets.js';
import { formatNumber, formatTable, notApplicable, type TableColumn } from './format-table.js';
import type { Scenario } from './scenarios.js';

const bytesPerMiB = 1024 * 1024;

function percent(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? notApplicable : `${Math.round(ratio * 100)}%`;
}

/**
 * One scenario's results as a titled plain-text table. Latency columns are full-response latency, or
 * time to first byte in a `ttfb` scenario; `+p50`/`+p99` are over `direct`; scenarios with a TTFB
 * probe get two extra TTFB columns.
 */
export function formatScenarioTable(
  scenario: Pick<Scenario, 'id' | 'title' | 'load' | 'ttfbProbeConnections'>,
  rows: readonly TargetRow[],
): string {
  const prefix = scenario.load === 'ttfb' ? 'TTFB ' : '';
  const withProbe = scenario.ttfbProbeConnections > 0;
  const columns: TableColumn[] = [
    { header: 'target', align: 'left' },
    { header: 'RPS' },
    { header: `${prefix}p50 ms` },
    { header: `${prefix}p95 ms` },
    { header: `${prefix}p99 ms` },
    { header: '+p50 ms' },
    { header: '+p99 ms' },
    { header: 'RPS/node-pipe' },
    { header: 'CPU µs/req' },
    { header: 'peak RSS MiB' },
    { header: 'errors' },
  ];
  if (withProbe) columns.push({ header: 'TTFB p50 ms' }, { header: 'TTFB p99 ms' });
  const cells = rows.map((row) => {
    const line = [
      row.target,
      formatNumber(row.rps, 0),
      formatNumber(row.headline.p50, 2),
      formatNumber(row.headline.p95, 2),
      formatNumber(row.headline.p99, 2),
      row.target === 'direct' ? notApplicable : formatNumber(row.addedP50InMs, 2, true),
      row.target === 'direct' ? notApplicable : formatNumber(row.addedP99InMs, 2, true),
      percent(row.rpsRatioToNodePipe),
      formatNumber(row.cpuPerRequestInUs, 0),
      formatNumber(row.peakRssInBytes === undefined ? undefined : row.peakRssInBytes / bytesPerMiB, 1),
      String(row.failed),
    ];
    if (withProbe) line.push(formatNumber(row.ttfb?.p50, 2), formatNumber(row.ttfb?.p99, 2));
    return line;
  });
  return `${scenario.id}: ${scenario.title}\n${formatTable(columns, cells)}`;
}
