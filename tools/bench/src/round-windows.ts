import type { RoundMeasurement } from './compare-targets.js';
import type { GcTotals, LoopFigures } from './loop-figures.js';

/**
 * One round of a target from the windows it ran in that round (the targets taking turns window by window): counts
 * and CPU times add up, so a round's CPU per request is over all its windows. A CPU time any window lacks is
 * unknown for the round. The event loop's delay is the worst window's (a percentile of one window cannot be
 * combined with another's, and the loop's idle time between windows must not dilute it).
 */
export function combineWindows(windows: readonly RoundMeasurement[]): RoundMeasurement {
  const [first, ...rest] = windows;
  if (first === undefined) throw new TypeError('a round has at least one window');
  if (rest.length === 0) return first;
  return {
    completed: sum(windows, (window) => window.completed),
    failed: sum(windows, (window) => window.failed),
    measuredInMs: sum(windows, (window) => window.measuredInMs),
    served: sum(windows, (window) => window.served),
    cpuTimeInMs: sumKnown(windows.map((window) => window.cpuTimeInMs)),
    mainThreadCpuTimeInMs: sumKnown(windows.map((window) => window.mainThreadCpuTimeInMs)),
    engineCpuTimeInMs: sumKnown(windows.map((window) => window.engineCpuTimeInMs)),
    loop: combineLoopFigures(windows.map((window) => window.loop)),
    upstreamLoop: combineLoopFigures(windows.map((window) => window.upstreamLoop)),
  };
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += of(item);
  return total;
}

function sumKnown(values: readonly (number | undefined)[]): number | undefined {
  let total = 0;
  for (const value of values) {
    if (value === undefined) return undefined;
    total += value;
  }
  return total;
}

/**
 * The loop figures of the windows that have them (a probe's read can time out): the delay of the worst window,
 * utilization weighted by each window's length, GC pauses added up, heap and RSS as the last window read them.
 */
export function combineLoopFigures(figures: readonly (LoopFigures | undefined)[]): LoopFigures | undefined {
  const known = figures.filter((figure): figure is LoopFigures => figure !== undefined);
  const last = known.at(-1);
  if (last === undefined) return undefined;
  const windowInMs = sum(known, (figure) => figure.windowInMs);
  const gcByKind: Record<string, GcTotals> = {};
  for (const figure of known) {
    for (const [kind, totals] of Object.entries(figure.gcByKind)) {
      const sofar = gcByKind[kind];
      gcByKind[kind] = sofar === undefined ? totals : addGcTotals(sofar, totals);
    }
  }
  return {
    windowInMs,
    delay: {
      p50InMs: Math.max(...known.map((figure) => figure.delay.p50InMs)),
      p99InMs: Math.max(...known.map((figure) => figure.delay.p99InMs)),
      maxInMs: Math.max(...known.map((figure) => figure.delay.maxInMs)),
    },
    utilization:
      windowInMs > 0
        ? sum(known, (figure) => figure.utilization * figure.windowInMs) / windowInMs
        : last.utilization,
    gc: known.map((figure) => figure.gc).reduce(addGcTotals),
    gcByKind,
    heapUsedInBytes: last.heapUsedInBytes,
    rssInBytes: last.rssInBytes,
  };
}

function addGcTotals(a: GcTotals, b: GcTotals): GcTotals {
  return {
    count: a.count + b.count,
    totalInMs: a.totalInMs + b.totalInMs,
    maxInMs: Math.max(a.maxInMs, b.maxInMs),
  };
}
