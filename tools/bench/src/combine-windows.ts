import type { RoundMeasurement } from './compare-targets.js';
import { addGcTotals, type GcTotals, type LoopFigures } from './loop-figures.js';

/**
 * One round of a target from the windows it ran in that round (the targets taking turns window by window), or a
 * scenario's totals from its rounds: counts and CPU times add up, so a round's CPU per request is over all its
 * windows. A CPU time any window lacks is unknown for the whole. For the event loop, see {@link combineLoopFigures}.
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
 * The loop figures of the windows that have them (a probe's read can time out): the delay percentiles and the
 * utilization averaged over the windows, each weighted by its length, the longest delay the longest of any window,
 * GC pauses added up, heap and RSS as the last window read them. The probe gives percentiles, not its histogram, so
 * a round's percentile cannot be exact; the average reads as one window does, so a round's figure compares with
 * another's whatever the number of windows (the worst window's would read higher the more windows a round has).
 */
export function combineLoopFigures(figures: readonly (LoopFigures | undefined)[]): LoopFigures | undefined {
  const known = figures.filter((figure): figure is LoopFigures => figure !== undefined);
  const [first] = known;
  const last = known.at(-1);
  if (first === undefined || last === undefined) return undefined;
  if (known.length === 1) return last;
  const windowInMs = sum(known, (figure) => figure.windowInMs);
  // By time when the windows have lengths; a plain mean otherwise.
  const averaged = (of: (figure: LoopFigures) => number) =>
    windowInMs > 0
      ? sum(known, (figure) => of(figure) * figure.windowInMs) / windowInMs
      : sum(known, of) / known.length;
  let gc = first.gc;
  const gcByKind: Record<string, GcTotals> = {};
  for (const figure of known) {
    if (figure !== first) gc = addGcTotals(gc, figure.gc);
    for (const [kind, totals] of Object.entries(figure.gcByKind)) {
      gcByKind[kind] = addGcTotals(gcByKind[kind], totals);
    }
  }
  return {
    windowInMs,
    delay: {
      p50InMs: averaged((figure) => figure.delay.p50InMs),
      p99InMs: averaged((figure) => figure.delay.p99InMs),
      maxInMs: Math.max(...known.map((figure) => figure.delay.maxInMs)),
    },
    utilization: averaged((figure) => figure.utilization),
    gc,
    gcByKind,
    heapUsedInBytes: last.heapUsedInBytes,
    rssInBytes: last.rssInBytes,
  };
}
