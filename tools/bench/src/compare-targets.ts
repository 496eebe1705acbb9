import type { SampleSummary } from './latency-stats.js';
import type { LoopFigures } from './loop-figures.js';
import { type LoopSummary, summarizeLoopRounds } from './loop-summary.js';
import { mapRounds, type PairedRatio, pairedRatio } from './paired-ratios.js';
import { bedrockTargetIds, type Scenario, type TargetId } from './scenarios.js';

/**
 * What the bench counted for one target in one round: one measurement window, or several in turns with the other
 * targets (`--windows`), combined (`combine-windows.ts`); "the window" below is then all of them.
 */
export interface RoundMeasurement {
  /** 2xx responses of the main load generator inside the window. */
  readonly completed: number;
  /** Failed requests of every generator inside the window. */
  readonly failed: number;
  /** The window, in ms. */
  readonly measuredInMs: number;
  /** Responses of every generator inside the window (the divisor of the CPU time). */
  readonly served: number;
  /** CPU time the proxy process used inside the window, in ms; undefined for `direct` or without /proc. */
  readonly cpuTimeInMs: number | undefined;
  /** The part of `cpuTimeInMs` its main thread (the event loop) used, in ms; undefined when not measured. */
  readonly mainThreadCpuTimeInMs?: number | undefined;
  /**
   * CPU time the Redis and PostgreSQL servers the bench started used inside the window, in ms (ccb-shared only;
   * undefined otherwise or without /proc): on one machine it comes out of the targets' cores.
   */
  readonly engineCpuTimeInMs?: number | undefined;
  /** The target process's event loop and GC in the window (its loop probe); undefined without one. */
  readonly loop?: LoopFigures | undefined;
  /** The mock upstream's, during the same window: whether the upstream, not the target, was the bottleneck. */
  readonly upstreamLoop?: LoopFigures | undefined;
}

/** A round with its own rates. */
export interface RoundRates extends RoundMeasurement {
  /** Completed requests per second of this round's window; NaN for an empty window. */
  readonly rps: number;
  /** Proxy CPU time per served request in this round, in µs; undefined when not measured or nothing served. */
  readonly cpuPerRequestInUs: number | undefined;
}

/** What the bench measured for one target in one scenario: all rounds together, and each round. */
export interface TargetMeasurement {
  readonly target: TargetId;
  /** 2xx responses of the main load generator inside the measured windows. */
  readonly completed: number;
  /** Failed requests of every generator (non-2xx, connection errors, timeouts). */
  readonly failed: number;
  /** Sum of the measured windows, in ms. */
  readonly measuredInMs: number;
  /** Full response latency in ms (autocannon, or the TTFB client's whole stream). */
  readonly latency: SampleSummary;
  /**
   * The same for the requests that opened the main load's connections after its last batch was launched: start-up,
   * kept out of `latency` and the goals, and shown here so that what a burst of new connections costs stays in sight.
   */
  readonly openingLatency?: SampleSummary;
  /** Time to first byte (or token, when the scenario's `timeTo` says so) in ms, for scenarios that measure it. */
  readonly ttfb: SampleSummary | undefined;
  /** CPU time the proxy process used inside the windows, in ms; undefined for `direct` or without /proc. */
  readonly cpuTimeInMs: number | undefined;
  /** Responses of every generator inside the windows (the divisor of the CPU time). */
  readonly served: number;
  /** Highest RSS of the proxy process during the scenario, in bytes; undefined for `direct`. */
  readonly peakRssInBytes: number | undefined;
  /** Each round on its own, in round order (the same order for every target of the scenario). */
  readonly rounds: readonly RoundMeasurement[];
}

/** One target against another, round by round (see {@link PairedRatio}). */
export interface PairedComparison {
  /** Per round: this target's RPS / the other's. */
  readonly rpsRatio: PairedRatio;
  /** Per round: this target's CPU µs per request / the other's; no pairs when either has no CPU time. */
  readonly cpuPerRequestRatio: PairedRatio;
}

/** What request logs and metrics cost: ccb against ccb-quiet (logs and metrics off), round by round. */
export interface LogsAndMetricsCost {
  /** Per round: 1 − ccb RPS / ccb-quiet RPS, the share of throughput they cost. */
  readonly rpsCost: PairedRatio;
  /** Per round: ccb CPU µs per request / ccb-quiet's. */
  readonly cpuPerRequestRatio: PairedRatio;
}

/** One table row: a measurement and the comparisons derived from it. */
export interface TargetRow extends TargetMeasurement {
  /** Completed requests per second of measured time, all rounds together. */
  readonly rps: number;
  /** The latency the scenario is about: time to first byte or token for a `ttfb` load, full latency otherwise. */
  readonly headline: SampleSummary;
  /** `headline.p50` minus direct's, in ms; undefined without a direct row. */
  readonly addedP50InMs: number | undefined;
  /** `headline.p99` minus direct's, in ms; undefined without a direct row. */
  readonly addedP99InMs: number | undefined;
  /** RPS divided by node-pipe's: the median of the per-round ratios; undefined without a node-pipe row. */
  readonly rpsRatioToNodePipe: number | undefined;
  /** Proxy CPU time per served request, all rounds together, in µs; undefined when not measured. */
  readonly cpuPerRequestInUs: number | undefined;
  /**
   * The share of the proxy's CPU time spent off its main thread, all rounds together (V8's concurrent marking and
   * sweeping, its background compiler, libuv's pool, worker threads); undefined when not measured.
   */
  readonly offMainThreadCpuShare?: number | undefined;
  /** Each round with its own RPS and CPU per request. */
  readonly rounds: readonly RoundRates[];
  /** This target against node-pipe, paired per round; undefined without a node-pipe row. */
  readonly versusNodePipe: PairedComparison | undefined;
  /** On the ccb row when ccb-quiet was measured too: what its logs and metrics cost; otherwise undefined. */
  readonly logsAndMetricsCost: LogsAndMetricsCost | undefined;
  /**
   * On the ccb-shared and Bedrock rows when ccb was measured too: this target against the default ccb, paired per
   * round, i.e. what the Redis state store and the PostgreSQL ledger cost, or what the Bedrock translation (and
   * signing) costs; otherwise undefined.
   */
  readonly versusCcb?: PairedComparison | undefined;
  /** The target's event-loop delay and GC pauses over the rounds; undefined without the loop probe (`direct`). */
  readonly loop: LoopSummary | undefined;
  /** The mock upstream's during this target's windows; undefined without its probe. */
  readonly upstreamLoop: LoopSummary | undefined;
}

function headlineOf(scenario: Pick<Scenario, 'load'>, measurement: TargetMeasurement): SampleSummary {
  return scenario.load === 'ttfb' && measurement.ttfb !== undefined ? measurement.ttfb : measurement.latency;
}

const rpsOf = (counts: { completed: number; measuredInMs: number }) =>
  counts.measuredInMs > 0 ? (counts.completed * 1000) / counts.measuredInMs : Number.NaN;

const cpuPerRequestOf = (counts: { cpuTimeInMs: number | undefined; served: number }) =>
  counts.cpuTimeInMs === undefined || counts.served === 0
    ? undefined
    : (counts.cpuTimeInMs * 1000) / counts.served;

/** 1 − main-thread CPU / all CPU over the rounds that measured both; undefined when none did or no CPU was used. */
export function offMainThreadShare(rounds: readonly RoundMeasurement[]): number | undefined {
  let all = 0;
  let main = 0;
  for (const round of rounds) {
    if (round.cpuTimeInMs === undefined || round.mainThreadCpuTimeInMs === undefined) continue;
    all += round.cpuTimeInMs;
    main += round.mainThreadCpuTimeInMs;
  }
  // Clock ticks are counted per thread: with little CPU used, the two readings can cross by a tick.
  return all > 0 ? Math.max(0, 1 - main / all) : undefined;
}

/** A round's own RPS and CPU per request. */
export function roundRates(round: RoundMeasurement): RoundRates {
  return { ...round, rps: rpsOf(round), cpuPerRequestInUs: cpuPerRequestOf(round) };
}

function pairRounds(rounds: readonly RoundRates[], others: readonly RoundRates[]): PairedComparison {
  return {
    rpsRatio: pairedRatio(
      rounds.map((round) => round.rps),
      others.map((round) => round.rps),
    ),
    cpuPerRequestRatio: pairedRatio(
      rounds.map((round) => round.cpuPerRequestInUs),
      others.map((round) => round.cpuPerRequestInUs),
    ),
  };
}

/**
 * Derives per-target rates and the comparisons against `direct`, `node-pipe`, (for ccb) `ccb-quiet` and (for
 * ccb-shared) `ccb` of the same scenario. Latency differences come from percentiles over all samples; ratios between targets
 * are medians of per-round ratios.
 */
export function compareTargets(
  scenario: Pick<Scenario, 'load'>,
  measurements: readonly TargetMeasurement[],
): TargetRow[] {
  const byTarget = (target: TargetId) => measurements.find((measurement) => measurement.target === target);
  const direct = byTarget('direct');
  const directHeadline = direct === undefined ? undefined : headlineOf(scenario, direct);
  const roundsOf = new Map(
    measurements.map((measurement) => [measurement.target, measurement.rounds.map(roundRates)]),
  );
  const nodePipeRounds = roundsOf.get('node-pipe');
  const quietRounds = roundsOf.get('ccb-quiet');
  const ccbRounds = roundsOf.get('ccb');
  return measurements.map((measurement) => {
    const headline = headlineOf(scenario, measurement);
    const rounds = roundsOf.get(measurement.target) ?? [];
    const versusNodePipe = nodePipeRounds === undefined ? undefined : pairRounds(rounds, nodePipeRounds);
    const versusQuiet =
      measurement.target === 'ccb' && quietRounds !== undefined ? pairRounds(rounds, quietRounds) : undefined;
    return {
      ...measurement,
      rps: rpsOf(measurement),
      headline,
      addedP50InMs: directHeadline === undefined ? undefined : headline.p50 - directHeadline.p50,
      addedP99InMs: directHeadline === undefined ? undefined : headline.p99 - directHeadline.p99,
      rpsRatioToNodePipe: versusNodePipe?.rpsRatio.median,
      cpuPerRequestInUs: cpuPerRequestOf(measurement),
      offMainThreadCpuShare: offMainThreadShare(measurement.rounds),
      rounds,
      versusNodePipe,
      loop: summarizeLoopRounds(measurement.rounds.map((round) => round.loop)),
      upstreamLoop: summarizeLoopRounds(measurement.rounds.map((round) => round.upstreamLoop)),
      versusCcb:
        (measurement.target === 'ccb-shared' || bedrockTargetIds.includes(measurement.target)) &&
        ccbRounds !== undefined
          ? pairRounds(rounds, ccbRounds)
          : undefined,
      logsAndMetricsCost:
        versusQuiet === undefined
          ? undefined
          : {
              rpsCost: mapRounds(versusQuiet.rpsRatio, (ratio) => 1 - ratio),
              cpuPerRequestRatio: versusQuiet.cpuPerRequestRatio,
            },
    };
  });
}
