import type { TargetRow } from './compare-targets.js';
import { formatLoopTable } from './format-loop-table.js';
import { formatNumber, formatTable, notApplicable, type TableColumn } from './format-table.js';
import { type PairedRatio, roundsPhrase } from './paired-ratios.js';
import type { Scenario, TargetId } from './scenarios.js';

const bytesPerMiB = 1024 * 1024;

function percent(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? notApplicable : `${Math.round(ratio * 100)}%`;
}

function times(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? notApplicable : `${formatNumber(ratio, 2)}×`;
}

/** `min–max` of the per-round values, `—` without a pair. */
function range(ratio: PairedRatio | undefined, format: (value: number) => string): string {
  return ratio === undefined || ratio.pairs === 0
    ? notApplicable
    : `${format(ratio.min)}–${format(ratio.max)}`;
}

/**
 * The lines under the table: how its ratios were computed, what ccb's logs and metrics cost, and what the Redis
 * state and Postgres ledger cost.
 */
function notes(rows: readonly TargetRow[]): string[] {
  const lines: string[] = [];
  // ccb's row when there is one: its ratios are the ones the goals judge.
  const paired =
    rows.find((row) => row.target === 'ccb' && row.versusNodePipe !== undefined) ??
    rows.find((row) => row.target !== 'node-pipe' && row.versusNodePipe !== undefined);
  const versus = paired?.versusNodePipe;
  if (versus !== undefined) {
    const cpuPairs =
      versus.cpuPerRequestRatio.pairs === versus.rpsRatio.pairs
        ? ''
        : ` (CPU/node-pipe: ${roundsPhrase(versus.cpuPerRequestRatio)})`;
    lines.push(
      `RPS/node-pipe, CPU/node-pipe: ${roundsPhrase(versus.rpsRatio)}${cpuPairs} (min–max: RPS/node-pipe's lowest and highest round); other columns: all rounds together`,
    );
  }
  const cost = rows.find((row) => row.logsAndMetricsCost !== undefined)?.logsAndMetricsCost;
  if (cost !== undefined) {
    lines.push(
      `logs and metrics (ccb vs ccb-quiet, ${roundsPhrase(cost.rpsCost)}): ${percent(cost.rpsCost.median)} of throughput (rounds ${range(cost.rpsCost, percent)}), CPU per request ${times(cost.cpuPerRequestRatio.median)} (rounds ${range(cost.cpuPerRequestRatio, times)})`,
    );
  }
  for (const row of rows) {
    const versusCcb = row.versusCcb;
    if (versusCcb === undefined) continue;
    lines.push(
      `${versusCcbLabels[row.target] ?? 'against ccb'} (${row.target} vs ccb, ${roundsPhrase(versusCcb.rpsRatio)}): RPS ${percent(versusCcb.rpsRatio.median)} of ccb's (rounds ${range(versusCcb.rpsRatio, percent)}), CPU per request ${times(versusCcb.cpuPerRequestRatio.median)} (rounds ${range(versusCcb.cpuPerRequestRatio, times)})`,
    );
  }
  return lines;
}

/** What a target's comparison with ccb measures, for the note under the table. */
const versusCcbLabels: Partial<Record<TargetId, string>> = {
  'ccb-shared': 'Redis state and Postgres ledger',
  'ccb-bedrock': 'Bedrock translation, API key',
  'ccb-bedrock-sigv4': 'Bedrock translation and SigV4',
};

/**
 * One scenario's results as a titled plain-text table. Latency columns are full-response latency, or
 * time to first byte (or token, TTFT) in a `ttfb` scenario; `+p50`/`+p99` are over `direct`; ratios to node-pipe are
 * medians of per-round ratios, with the range of the RPS ratio over the rounds; scenarios with a TTFB
 * probe get two extra TTFB (or TTFT) columns. Notes under the table say how many rounds were paired and, with
 * ccb-quiet, what ccb's logs and metrics cost; with ccb-shared or a Bedrock target, that target against ccb.
 */
export function formatScenarioTable(
  scenario: Pick<Scenario, 'id' | 'title' | 'load' | 'ttfbProbeConnections' | 'timeTo'>,
  rows: readonly TargetRow[],
): string {
  const firstOf = scenario.timeTo === 'first-token' ? 'TTFT' : 'TTFB';
  const prefix = scenario.load === 'ttfb' ? `${firstOf} ` : '';
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
    { header: 'min–max' },
    { header: 'CPU µs/req' },
    { header: 'CPU/node-pipe' },
    { header: 'peak RSS MiB' },
    { header: 'errors' },
  ];
  if (withProbe) columns.push({ header: `${firstOf} p50 ms` }, { header: `${firstOf} p99 ms` });
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
      row.target === 'node-pipe' ? notApplicable : range(row.versusNodePipe?.rpsRatio, percent),
      formatNumber(row.cpuPerRequestInUs, 0),
      row.target === 'node-pipe' ? notApplicable : times(row.versusNodePipe?.cpuPerRequestRatio.median),
      formatNumber(row.peakRssInBytes === undefined ? undefined : row.peakRssInBytes / bytesPerMiB, 1),
      String(row.failed),
    ];
    if (withProbe) line.push(formatNumber(row.ttfb?.p50, 2), formatNumber(row.ttfb?.p99, 2));
    return line;
  });
  const loopTable = formatLoopTable(rows);
  return [
    `${scenario.id}: ${scenario.title}`,
    formatTable(columns, cells),
    ...notes(rows),
    ...(loopTable === undefined ? [] : ['', loopTable]),
  ].join('\n');
}
