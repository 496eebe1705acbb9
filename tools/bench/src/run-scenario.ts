import { BenchError } from './bench-error.js';
import { combineWindows } from './combine-windows.js';
import {
  compareTargets,
  type RoundMeasurement,
  type TargetMeasurement,
  type TargetRow,
} from './compare-targets.js';
import { type EventsClient, openEventsClient } from './events-client.js';
import { createSampleRecorder, type SampleRecorder, summarizeSamples } from './latency-stats.js';
import type { LoopFigures } from './loop-figures.js';
import { measuredTurns, measureRounds, runInTurns } from './measured-rounds.js';
import { openMeasurementWindow, rampTimeInMs } from './measurement-window.js';
import {
  readCpuTimeInMs,
  readMainThreadCpuTimeInMs,
  readProcessMemory,
  readProcessTreeCpuTimeInMs,
} from './proc-stats.js';
import type { BenchRequest } from './request-bodies.js';
import { createRequestSource, type RequestSource } from './request-source.js';
import { type LoadResult, runAutocannon } from './run-autocannon.js';
import { runTtfbProbe } from './run-ttfb-probe.js';
import { type Scenario, type TargetId, warmupOf, windowsPerRoundOf } from './scenarios.js';
import { type BenchEnvironment, type RunningTarget, startTargets, stopTargets } from './start-targets.js';

/** Timing of a scenario run. */
export interface ScenarioTiming {
  /** Measured time per target per window, in ms (a round has one window or more). */
  readonly durationInMs: number;
  /**
   * The warm-up per target, in ms, for every scenario (undefined: each scenario's own), before the unmeasured round
   * and the measured ones.
   */
  readonly warmupInMs: number | undefined;
  readonly rounds: number;
  /** Measured windows per target per round, for every scenario (undefined: each scenario's own). */
  readonly windowsPerRound?: number | undefined;
  readonly targets: readonly TargetId[];
  /** Keeps one `/admin/events` stream open to each ccb target while it runs, as an open dashboard does. */
  readonly eventsClient?: boolean;
}

interface Accumulator {
  readonly latency: SampleRecorder;
  readonly openingLatency: SampleRecorder;
  readonly ttfb: SampleRecorder | undefined;
  peakRssInBytes: number | undefined;
}

const noLoad: LoadResult = { completed: 0, failed: 0 };

function createAccumulator(scenario: Scenario): Accumulator {
  const measuresTtfb = scenario.load === 'ttfb' || scenario.ttfbProbeConnections > 0;
  return {
    latency: createSampleRecorder(),
    openingLatency: createSampleRecorder(),
    ttfb: measuresTtfb ? createSampleRecorder() : undefined,
    peakRssInBytes: undefined,
  };
}

/** autocannon sends one request on every connection: a scenario with sequences must use the `ttfb` load. */
function fixedRequest(requests: RequestSource, scenario: Scenario): BenchRequest {
  if (requests.kind === 'fixed') return requests.request;
  throw new TypeError(
    `scenario ${scenario.id}: autocannon cannot send per-connection requests; use load 'ttfb'`,
  );
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new BenchError('CCB_BENCH_INTERRUPTED', 'Benchmark interrupted.');
}

/** Uncounted time after the last connection batch opened, in ms, for the load to settle. */
const settleInMs = 500;

/**
 * Runs the scenario's load once against one target (autocannon plus, for streaming scenarios, a TTFB
 * probe, both in one measurement window), recording its latencies and the target's peak RSS in `into`, and
 * gives back what the window counted (a round is its windows combined, see `measureRounds`).
 */
async function measure(
  environment: BenchEnvironment,
  scenario: Scenario,
  requests: RequestSource,
  target: RunningTarget,
  durationInMs: number,
  into: Accumulator,
): Promise<RoundMeasurement> {
  const pid = target.process?.pid;
  const probe = target.process?.loopProbe;
  const upstreamProbe = environment.upstreamProbe;
  let cpuAtOpen: number | undefined;
  let cpuAtEnd: number | undefined;
  let mainCpuAtOpen: number | undefined;
  let mainCpuAtEnd: number | undefined;
  const enginePids = target.id === 'ccb-shared' ? (environment.sharedEngines?.pids() ?? []) : [];
  let enginesAtOpen: number | undefined;
  let enginesAtEnd: number | undefined;
  let opened = false;
  let loopRead: Promise<LoopFigures | undefined> = Promise.resolve(undefined);
  let upstreamLoopRead: Promise<LoopFigures | undefined> = Promise.resolve(undefined);
  const window = openMeasurementWindow({
    rampInMs: rampTimeInMs(scenario.connections, settleInMs),
    settleInMs,
    durationInMs,
    signal: environment.signal,
    onOpen: () => {
      opened = true;
      if (pid !== undefined) {
        cpuAtOpen = readCpuTimeInMs(pid);
        mainCpuAtOpen = readMainThreadCpuTimeInMs(pid);
      }
      enginesAtOpen = enginesCpuTimeInMs(enginePids);
      probe?.reset();
      upstreamProbe?.reset();
    },
    onEnd: () => {
      if (pid !== undefined) {
        cpuAtEnd = readCpuTimeInMs(pid);
        mainCpuAtEnd = readMainThreadCpuTimeInMs(pid);
      }
      enginesAtEnd = enginesCpuTimeInMs(enginePids);
      // Only a window that opened has figures of its own (one closed early by Ctrl-C has none).
      if (!opened) return;
      if (probe !== undefined) loopRead = probe.read();
      if (upstreamProbe !== undefined) upstreamLoopRead = upstreamProbe.read();
    },
  });
  const main =
    scenario.load === 'ttfb'
      ? runTtfbProbe({
          url: target.url,
          requests,
          connections: scenario.connections,
          window,
          timesToFirst: into.ttfb ?? createSampleRecorder(),
          timeTo: scenario.timeTo,
          latencies: into.latency,
          openingLatencies: into.openingLatency,
        })
      : runAutocannon({
          url: target.url,
          requests: [fixedRequest(requests, scenario)],
          connections: scenario.connections,
          window,
          latencies: into.latency,
          openingLatencies: into.openingLatency,
        });
  const ttfbProbe =
    scenario.load === 'autocannon' && scenario.ttfbProbeConnections > 0 && into.ttfb !== undefined
      ? runTtfbProbe({
          url: target.url,
          requests,
          connections: scenario.ttfbProbeConnections,
          window,
          timesToFirst: into.ttfb,
          timeTo: scenario.timeTo,
        })
      : Promise.resolve(noLoad);
  const [mainResult, probeResult] = await Promise.all([main, ttfbProbe]);
  const [loop, upstreamLoop] = await Promise.all([loopRead, upstreamLoopRead]);

  const round: RoundMeasurement = {
    completed: mainResult.completed,
    failed: mainResult.failed + probeResult.failed,
    measuredInMs: window.elapsedInMs,
    served: mainResult.completed + probeResult.completed,
    cpuTimeInMs: cpuAtOpen === undefined || cpuAtEnd === undefined ? undefined : cpuAtEnd - cpuAtOpen,
    mainThreadCpuTimeInMs:
      mainCpuAtOpen === undefined || mainCpuAtEnd === undefined ? undefined : mainCpuAtEnd - mainCpuAtOpen,
    engineCpuTimeInMs:
      enginesAtOpen === undefined || enginesAtEnd === undefined ? undefined : enginesAtEnd - enginesAtOpen,
    loop,
    upstreamLoop,
  };
  if (pid !== undefined) {
    // VmHWM: the kernel's own high-water mark since the process started (fresh for each scenario).
    into.peakRssInBytes = readProcessMemory(pid)?.peakRssInBytes;
  }
  target.process?.assertRunning();
  throwIfAborted(environment.signal);
  return round;
}

/** The engines' CPU time so far (each one's process tree), in ms; undefined when there are none or no /proc. */
function enginesCpuTimeInMs(pids: readonly number[]): number | undefined {
  if (pids.length === 0) return undefined;
  let total = 0;
  for (const pid of pids) {
    const time = readProcessTreeCpuTimeInMs(pid);
    if (time === undefined) return undefined;
    total += time;
  }
  return total;
}

/** A target's figures over all its rounds: the rounds add up as a round's windows do (see `combineWindows`). */
function toMeasurement(
  target: TargetId,
  accumulated: Accumulator,
  rounds: readonly RoundMeasurement[],
): TargetMeasurement {
  const { completed, failed, measuredInMs, served, cpuTimeInMs } = combineWindows(rounds);
  return {
    target,
    completed,
    failed,
    measuredInMs,
    latency: summarizeSamples(accumulated.latency.values()),
    openingLatency: summarizeSamples(accumulated.openingLatency.values()),
    ttfb: accumulated.ttfb === undefined ? undefined : summarizeSamples(accumulated.ttfb.values()),
    cpuTimeInMs,
    served,
    peakRssInBytes: accumulated.peakRssInBytes,
    rounds,
  };
}

/** The measured window of every round of `scenario`, in ms. */
function roundWindowInMs(scenario: Scenario, timing: Pick<ScenarioTiming, 'durationInMs'>): number {
  return Math.max(timing.durationInMs, scenario.minWindowInMs ?? 0);
}

/**
 * Unmeasured rounds each target runs after its warm-up. The first window after a long load is not yet steady: when
 * a load ends, Node meets new shapes (connections close, idle timers fire) and drops optimized code that inlined its
 * timers and parser callbacks, and the next window recompiles it. That window cost 1.3–2.1× the CPU per request of
 * the windows after it, in node-pipe and ccb alike (docs/performance.md, item 35).
 */
export const unmeasuredRoundsAfterWarmup = 1;

/**
 * The longest slice of a warm-up, in ms. Warm-ups run in slices, the targets taking turns as in the rounds, so that
 * every target has the same history when the rounds begin. Warmed one after the other, the first target rests while
 * the others warm up, V8's memory reducer compacts its heap, and it then used 10–45 % less CPU per request through
 * the rounds (medians) than an identical process warmed last (two node-pipes side by side; docs/performance.md,
 * item 36).
 */
export const warmupSliceInMs = 2000;

/**
 * The unmeasured windows each target runs before the first round, in ms and in order: its warm-up in slices of at
 * most {@link warmupSliceInMs}, then the unmeasured round(s). Every window is run by each target in turn.
 */
export function unmeasuredWindowsInMs(
  scenario: Scenario,
  timing: Pick<ScenarioTiming, 'durationInMs' | 'warmupInMs'>,
): number[] {
  const warmupInMs = warmupOf(scenario, timing.warmupInMs);
  const slices = Math.max(1, Math.ceil(warmupInMs / warmupSliceInMs));
  const windowInMs = roundWindowInMs(scenario, timing);
  return [
    ...Array.from({ length: slices }, () => warmupInMs / slices),
    ...Array.from({ length: unmeasuredRoundsAfterWarmup }, () => windowInMs),
  ];
}

/**
 * Wall time the scenario's load takes, in ms: the warm-up, the unmeasured round and the rounds of every target, each
 * window after its connection ramp. Process starts and stops come on top.
 */
export function scenarioLoadTimeInMs(scenario: Scenario, timing: ScenarioTiming): number {
  const rampInMs = rampTimeInMs(scenario.connections, settleInMs);
  const measuredWindows = timing.rounds * windowsPerRoundOf(scenario, timing.windowsPerRound);
  const windows = [
    ...unmeasuredWindowsInMs(scenario, timing),
    ...Array.from({ length: measuredWindows }, () => roundWindowInMs(scenario, timing)),
  ].reduce((total, windowInMs) => total + windowInMs + rampInMs, 0);
  return timing.targets.length * windows;
}

/**
 * Runs one scenario: starts fresh target processes, warms them up in turns (the warm-up in slices, then
 * {@link unmeasuredRoundsAfterWarmup} unmeasured rounds), then measures the targets interleaved (A B C, C B A, A B C…)
 * for `rounds` rounds of one or more windows each (see `windowsPerRoundOf`), taking turns window by window so drift
 * (thermal, background load, a neighbour on the host) spreads evenly, and stops the processes again whatever happens.
 * Every round of every target is kept on its own too: within a round the targets took turns, so ratios between them
 * are paired per round.
 */
export async function runScenario(
  environment: BenchEnvironment,
  scenario: Scenario,
  timing: ScenarioTiming,
): Promise<TargetRow[]> {
  const targets = await startTargets(environment, {
    label: scenario.id,
    targets: timing.targets,
    upstreamUrl: environment.mockUrls[scenario.upstream ?? 'paced'],
    withRefusingProvider: scenario.failover,
    withAffinity: scenario.affinity === true,
  });
  const eventsClients: EventsClient[] = [];
  try {
    if (timing.eventsClient === true) {
      for (const target of targets) {
        if (target.id.startsWith('ccb')) eventsClients.push(await openEventsClient(target.url));
      }
    }
    // One source per target: a growing conversation continues from round to round, and every target sees the same.
    const sources = new Map(targets.map((target) => [target.id, createRequestSource(scenario.request)]));
    const requestsOf = (target: RunningTarget) => sources.get(target.id) as RequestSource;
    const accumulators = new Map(targets.map((target) => [target.id, createAccumulator(scenario)]));
    // Turns alternate as in the rounds (A B, B A…): no target rests longer before the rounds than another.
    const unmeasured = unmeasuredWindowsInMs(scenario, timing);
    await runInTurns(targets, unmeasured.length, (target, window) => {
      const discard = createAccumulator(scenario);
      return measure(
        environment,
        scenario,
        requestsOf(target),
        target,
        unmeasured[window] as number,
        discard,
      );
    });
    const windowInMs = roundWindowInMs(scenario, timing);
    const turns = measuredTurns(timing.rounds, windowsPerRoundOf(scenario, timing.windowsPerRound));
    const rounds = await measureRounds(targets, turns, (target) =>
      measure(
        environment,
        scenario,
        requestsOf(target),
        target,
        windowInMs,
        accumulators.get(target.id) as Accumulator,
      ),
    );
    return compareTargets(
      scenario,
      targets.map((target) =>
        toMeasurement(target.id, accumulators.get(target.id) as Accumulator, rounds.get(target) ?? []),
      ),
    );
  } finally {
    for (const client of eventsClients) await client.close();
    await stopTargets(targets);
  }
}
