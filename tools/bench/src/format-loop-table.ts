import type { TargetRow } from './compare-targets.js';
import { formatNumber, formatTable, notApplicable, type TableColumn } from './format-table.js';

const ms = (value: number | undefined) => formatNumber(value, 1);
const share = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? notApplicable : `${Math.round(value * 100)}%`;

/** `minor 120/45.1, major 2/10.3`: GC pauses by kind, count/ms. */
function byKind(row: TargetRow): string {
  const kinds = Object.entries(row.loop?.gcByKind ?? {});
  if (kinds.length === 0) return notApplicable;
  return kinds
    .map(([kind, totals]) => `${kind} ${totals.count}/${formatNumber(totals.totalInMs, 1)}`)
    .join(', ');
}

/**
 * The targets' event loops and garbage collectors during the measured windows, from the loop probe: event-loop
 * delay (medians of the per-round p50 and p99, the p99's range over the rounds, the longest delay of all), how busy
 * the loop was, GC pauses in all and per served request, and how busy the mock upstream's loop was meanwhile (near
 * 100 %: the mock, not the target, set the pace). Beside them, from `/proc`, the share of the process's CPU time
 * spent off its main thread (V8's concurrent marking and sweeping, which the pauses leave out, its background
 * compiler, libuv's pool, worker threads). `undefined` when no row has figures.
 */
export function formatLoopTable(rows: readonly TargetRow[]): string | undefined {
  const probed = rows.filter((row) => row.loop !== undefined || row.upstreamLoop !== undefined);
  if (probed.length === 0) return undefined;
  const columns: TableColumn[] = [
    { header: 'target', align: 'left' },
    { header: 'loop delay p50 ms' },
    { header: 'p99 ms' },
    { header: 'p99 min–max' },
    { header: 'max ms' },
    { header: 'loop busy' },
    { header: 'CPU off main' },
    { header: 'GC pauses' },
    { header: 'GC ms' },
    { header: 'GC max ms' },
    { header: 'GC µs/req' },
    { header: 'mock busy' },
    { header: 'GC by kind (count/ms)', align: 'left' },
  ];
  const cells = probed.map((row) => {
    const loop = row.loop;
    const p99 = loop?.delayP99InMs;
    return [
      row.target,
      ms(loop?.delayP50InMs.median),
      ms(p99?.median),
      p99 === undefined || p99.pairs === 0 ? notApplicable : `${ms(p99.min)}–${ms(p99.max)}`,
      ms(loop?.delayMaxInMs),
      share(loop?.utilization.median),
      share(row.offMainThreadCpuShare),
      loop === undefined ? notApplicable : String(loop.gc.count),
      ms(loop?.gc.totalInMs),
      ms(loop?.gc.maxInMs),
      loop === undefined || row.served === 0
        ? notApplicable
        : formatNumber((loop.gc.totalInMs * 1000) / row.served, 1),
      share(row.upstreamLoop?.utilization.median),
      byKind(row),
    ];
  });
  return [
    'event loop and GC (loop probe, per round: a window, or the windows of a round averaged; delay beyond the 10 ms sampling interval)',
    formatTable(columns, cells),
  ].join('\n');
}
