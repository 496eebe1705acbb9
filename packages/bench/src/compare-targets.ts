import type { SampleSummary } from './latency-stats.js';
import type { Scenario, TargetId } from './scenarios.js';

/** What the bench measured for one target in one scenario, all rounds together. */
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
  /** Time to first body byte in ms, for scenarios that measure it. */
  readonly ttfb: SampleSummary | undefined;
  /** CPU time the proxy process used inside the windows, in ms; undefined for `direct` or without /proc. */
  readonly cpuTimeInMs: number | undefined;
  /** Responses of every generator inside the windows (the divisor of the CPU time). */
  readonly served: number;
  /** Highest RSS of the proxy process during the scenario, in bytes; undefined for `direct`. */
  readonly peakRssInBytes: number | undefined;
}

/** One table row: a measurement and the comparisons derived from it. */
export interface TargetRow extends TargetMeasurement {
  /** Completed requests per second of measured time. */
  readonly rps: number;
  /** The latency the scenario is about: TTFB for a `ttfb` scenario, full latency otherwise. */
  readonly headline: SampleSummary;
  /** `headline.p50` minus direct's, in ms; undefined without a direct row. */
  readonly addedP50InMs: number | undefined;
  /** `headline.p99` minus direct's, in ms; undefined without a direct row. */
  readonly addedP99InMs: number | undefined;
  /** `rps` divided by node-pipe's; undefined without a node-pipe row. */
  readonly rpsRatioToNodePipe: number | undefined;
  /** Proxy CPU time per served request, in µs; undefined when not measured. */
  readonly cpuPerRequestInUs: number | undefined;
}

function headlineOf(scenario: Pick<Scenario, 'load'>, measurement: TargetMeasurement): SampleSummary {
  return scenario.load === 'ttfb' && measurement.ttfb !== undefined ? measurement.ttfb : measurement.latency;
}

/** Derives per-target rates and the comparisons against `direct` and `node-pipe` of the same scenario. */
export function compareTargets(
  scenario: Pick<Scenario, 'load'>,
  measurements: readonly TargetMeasurement[],
): TargetRow[] {
  const direct = measurements.find((measurement) => measurement.target === 'direct');
  const directHeadline = direct === undefined ? undefined : headlineOf(scenario, direct);
  const rpsOf = (measurement: TargetMeasurement) =>
    measurement.measuredInMs > 0 ? (measurement.completed * 1000) / measurement.measuredInMs : Number.NaN;
  const nodePipe = measurements.find((measurement) => measurement.target === 'node-pipe');
  const nodePipeRps = nodePipe === undefined ? undefined : rpsOf(nodePipe);
  return measurements.map((measurement) => {
    const headline = headlineOf(scenario, measurement);
    const rps = rpsOf(measurement);
    return {
      ...measurement,
      rps,
      headline,
      addedP50InMs: directHeadline === undefined ? undefined : headline.p50 - directHeadline.p50,
      addedP99InMs: directHeadline === undefined ? undefined : headline.p99 - directHeadline.p99,
      rpsRatioToNodePipe: nodePipeRps === undefined ? undefined : rps / nodePipeRps,
      cpuPerRequestInUs:
        measurement.cpuTimeInMs === undefined || measurement.served === 0
          ? undefined
          : (measurement.cpuTimeInMs * 1000) / measurement.served,
    };
  });
}
