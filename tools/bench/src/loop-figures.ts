/**
 * What the loop probe (`loop-probe.ts`, preloaded into every target process) measured in one window: the event
 * loop's delay, the time the loop was busy, and the garbage collector's pauses. The same figures for node-pipe
 * and ccb, taken the same way, so a stall shows as a stall whichever process has it.
 */
export interface LoopFigures {
  /** How long the window lasted in the probed process, in ms (from its reset to its read; a round's: its windows'). */
  readonly windowInMs: number;
  /**
   * Event-loop delay, in ms: how late the loop ran a timer it was due to run, from `monitorEventLoopDelay`
   * (sampled every {@link loopProbeResolutionInMs} ms, resolution subtracted). A long synchronous task (a write,
   * a checkpoint, a big copy) shows here as a late timer, whatever it does to the CPU.
   */
  readonly delay: { readonly p50InMs: number; readonly p99InMs: number; readonly maxInMs: number };
  /** Share of the window the loop spent running callbacks rather than waiting for I/O (0..1). */
  readonly utilization: number;
  /** Garbage-collector pauses on the main thread, all kinds together. */
  readonly gc: GcTotals;
  /** Pauses by kind (`minor`, `major`, `incremental`, `weakcb`), only kinds that occurred. */
  readonly gcByKind: Readonly<Record<string, GcTotals>>;
  /** Heap in use and resident set at the read, in bytes. */
  readonly heapUsedInBytes: number;
  readonly rssInBytes: number;
}

/** A count of GC pauses and their summed and longest duration. */
export interface GcTotals {
  readonly count: number;
  readonly totalInMs: number;
  readonly maxInMs: number;
}

/** The sampling interval of the probe's `monitorEventLoopDelay`, in ms (Node's default, prom-client's too). */
export const loopProbeResolutionInMs = 10;

/** The messages of the IPC side channel between the bench and the probe. */
export type LoopProbeCommand =
  | { readonly ccbLoopProbe: 'reset' }
  | { readonly ccbLoopProbe: 'read'; readonly id: number };
/** The probe's answer to `read`, with the read's `id` (a late answer to a read that timed out is dropped). */
export interface LoopProbeReply {
  readonly ccbLoopProbe: 'figures';
  readonly id: number;
  readonly figures: LoopFigures;
}

/** Names of V8's GC kinds, by `PerformanceEntry.detail.kind` (`perf_hooks.constants.NODE_PERFORMANCE_GC_*`). */
export const gcKindNames: Readonly<Record<number, string>> = {
  1: 'minor',
  4: 'major',
  8: 'incremental',
  16: 'weakcb',
};

/** A delay histogram value in ns (it includes the sampling interval) as the delay beyond it, in ms. */
export function delayBeyondResolutionInMs(
  valueInNs: number,
  resolutionInMs = loopProbeResolutionInMs,
): number {
  if (!Number.isFinite(valueInNs) || valueInNs <= 0) return 0;
  return Math.max(0, valueInNs / 1e6 - resolutionInMs);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function parseGcTotals(value: unknown): GcTotals | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { count, totalInMs, maxInMs } = value as Record<string, unknown>;
  return isFiniteNumber(count) && isFiniteNumber(totalInMs) && isFiniteNumber(maxInMs)
    ? { count, totalInMs, maxInMs }
    : undefined;
}

/**
 * Reads a message from a target as the probe's figures; `undefined` for anything else (another message on the
 * channel, or a probe of another version): the bench then shows `—` rather than a wrong number.
 */
export function parseLoopProbeReply(message: unknown): { id: number; figures: LoopFigures } | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const reply = message as Partial<Record<keyof LoopProbeReply, unknown>>;
  if (
    reply.ccbLoopProbe !== 'figures' ||
    !isFiniteNumber(reply.id) ||
    typeof reply.figures !== 'object' ||
    reply.figures === null
  )
    return undefined;
  const figures = reply.figures as Record<string, unknown>;
  const delay = figures.delay as Record<string, unknown> | undefined;
  const gc = parseGcTotals(figures.gc);
  const byKindInput = figures.gcByKind;
  if (
    !isFiniteNumber(figures.windowInMs) ||
    delay === undefined ||
    delay === null ||
    !isFiniteNumber(delay.p50InMs) ||
    !isFiniteNumber(delay.p99InMs) ||
    !isFiniteNumber(delay.maxInMs) ||
    !isFiniteNumber(figures.utilization) ||
    gc === undefined ||
    typeof byKindInput !== 'object' ||
    byKindInput === null ||
    !isFiniteNumber(figures.heapUsedInBytes) ||
    !isFiniteNumber(figures.rssInBytes)
  )
    return undefined;
  const gcByKind: Record<string, GcTotals> = {};
  for (const [kind, totals] of Object.entries(byKindInput)) {
    const parsed = parseGcTotals(totals);
    if (parsed === undefined) return undefined;
    gcByKind[kind] = parsed;
  }
  const parsed: LoopFigures = {
    windowInMs: figures.windowInMs,
    delay: { p50InMs: delay.p50InMs, p99InMs: delay.p99InMs, maxInMs: delay.maxInMs },
    utilization: figures.utilization,
    gc,
    gcByKind,
    heapUsedInBytes: figures.heapUsedInBytes,
    rssInBytes: figures.rssInBytes,
  };
  return { id: reply.id, figures: parsed };
}

/** Adds one pause to running totals (the probe's accumulator, and the sum over rounds). */
export function addGcTotals(into: GcTotals | undefined, pause: GcTotals): GcTotals {
  if (into === undefined) return pause;
  return {
    count: into.count + pause.count,
    totalInMs: into.totalInMs + pause.totalInMs,
    maxInMs: Math.max(into.maxInMs, pause.maxInMs),
  };
}
