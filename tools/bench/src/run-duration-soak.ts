import { BenchError } from './bench-error.js';
import type { GoalCheck } from './goal-check.js';
import { createSampleRecorder, type SampleSummary, summarizeSamples } from './latency-stats.js';
import { openMeasurementWindow, rampTimeInMs } from './measurement-window.js';
import { readProcessMemory } from './proc-stats.js';
import { runTtfbProbe } from './run-ttfb-probe.js';
import type { TargetId } from './scenarios.js';
import { evaluateSoakFlatness, type RssSample, type SoakFlatness } from './soak-flatness.js';
import { soakFlatnessCheck } from './soak-goals.js';
import { rotatingSessions } from './soak-requests.js';
import { type BenchEnvironment, startTargets, stopTargets } from './start-targets.js';

/** The targets a timed soak can load: the proxies whose engines it needs none of, on the `bulk` mock. */
export const soakTargetIds: readonly TargetId[] = ['node-pipe', 'ccb', 'ccb-quiet', 'ccb-dedup'];

/** Options of {@link runDurationSoak}. */
export interface DurationSoakOptions {
  /** Load time, in ms (after the connection ramp). */
  readonly durationInMs: number;
  /** The processes soaked side by side, each under its own load (see {@link soakTargetIds}). */
  readonly targets: readonly TargetId[];
  /** Connections per target, each a sequence of growing sessions. Default 20. */
  readonly connections?: number;
  /** One line a minute: elapsed time and each target's RSS. */
  readonly progress?: (text: string) => void;
}

/** What the timed soak measured for one process. */
export interface SoakTargetResult {
  readonly target: TargetId;
  /** 2xx streams completed inside the soak. */
  readonly completed: number;
  /** Failed requests: non-2xx, connection errors, timeouts. */
  readonly failed: number;
  /**
   * Time to first token of the completed streams, in ms: with two providers ccb holds a stream's `message_start` until
   * content starts (the commit gate), so the first byte would time the mock's gap before content, not the proxy.
   */
  readonly ttft: SampleSummary;
  /** RSS every `sampleIntervalInMs` from the start of the load to its end. */
  readonly samples: readonly RssSample[];
  /**
   * Highest RSS seen, in bytes: the kernel's high-water mark (`VmHWM`) or the highest sample, whichever is higher
   * (the kernel updates the mark lazily, so a sample can read a little above it).
   */
  readonly peakRssInBytes: number | undefined;
  readonly flatness: SoakFlatness;
}

/** What {@link runDurationSoak} measured. */
export interface DurationSoakResult {
  readonly durationInMs: number;
  /** Load time actually run, in ms (shorter when interrupted). */
  readonly elapsedInMs: number;
  readonly connections: number;
  readonly sampleIntervalInMs: number;
  /** Samples before this are warm-up, in ms since the load started: the first half of the soak. */
  readonly warmupInMs: number;
  readonly targets: readonly SoakTargetResult[];
  /** Issue 20's memory line for every ccb target. */
  readonly goals: readonly GoalCheck[];
}

const defaultConnections = 20;
const settleInMs = 500;
const progressEveryInMs = 60_000;

/** About 120 samples over the soak (every 5 s over 10 minutes), at least every 250 ms apart. */
export function soakSampleIntervalInMs(durationInMs: number): number {
  return Math.min(5_000, Math.max(250, Math.round(durationInMs / 120)));
}

/**
 * Soaks the targets side by side for `durationInMs` with Claude Code-sized streams ({@link rotatingSessions}: each
 * connection sessions growing from 50 KB to 1 MiB, new sessions all along) through the `bulk` mock, with affinity on
 * over two providers, reading each process's RSS from `/proc` every {@link soakSampleIntervalInMs}. The first half is
 * warm-up; the second half's samples give the flatness figures and, for ccb targets, issue 20's goal line. Bounded by
 * the window: the load stops at `durationInMs` (or on Ctrl-C), and in-flight streams are cut.
 */
export async function runDurationSoak(
  environment: BenchEnvironment,
  options: DurationSoakOptions,
): Promise<DurationSoakResult> {
  const connections = options.connections ?? defaultConnections;
  const sampleIntervalInMs = soakSampleIntervalInMs(options.durationInMs);
  const warmupInMs = options.durationInMs / 2;
  const running = await startTargets(environment, {
    label: 'soak',
    targets: options.targets,
    upstreamUrl: environment.mockUrls.bulk,
    withAffinity: true,
  });
  try {
    const samples = new Map(running.map((target) => [target.id, [] as RssSample[]]));
    let openedAt: number | undefined;
    let lastProgressAt = Number.NEGATIVE_INFINITY;
    let timer: NodeJS.Timeout | undefined;
    const takeSample = () => {
      const atInMs = performance.now() - (openedAt as number);
      for (const target of running) {
        const pid = target.process?.pid;
        const rssInBytes = pid === undefined ? undefined : readProcessMemory(pid)?.rssInBytes;
        if (rssInBytes !== undefined && Number.isFinite(rssInBytes))
          samples.get(target.id)?.push({ atInMs, rssInBytes });
      }
      if (atInMs - lastProgressAt >= progressEveryInMs) {
        lastProgressAt = atInMs;
        const rss = running
          .map((target) => {
            const last = samples.get(target.id)?.at(-1)?.rssInBytes;
            return `${target.id} ${last === undefined ? '—' : (last / 1024 / 1024).toFixed(1)} MiB`;
          })
          .join(', ');
        options.progress?.(
          `soak: ${Math.round(atInMs / 1000)} s of ${options.durationInMs / 1000} s, RSS ${rss}`,
        );
      }
    };
    const window = openMeasurementWindow({
      rampInMs: rampTimeInMs(connections, settleInMs),
      settleInMs,
      durationInMs: options.durationInMs,
      signal: environment.signal,
      onOpen: () => {
        openedAt = performance.now();
        takeSample();
        timer = setInterval(takeSample, sampleIntervalInMs);
      },
      onEnd: () => {
        clearInterval(timer);
        if (openedAt !== undefined) takeSample();
      },
    });
    const loads = await Promise.all(
      running.map(async (target) => {
        const ttft = createSampleRecorder(1 << 20);
        const result = await runTtfbProbe({
          url: target.url,
          requests: rotatingSessions({ connections }),
          connections,
          window,
          timesToFirst: ttft,
          timeTo: 'first-token',
        });
        return { ...result, ttft: summarizeSamples(ttft.values()) };
      }),
    );
    if (environment.signal.aborted) throw new BenchError('CCB_BENCH_INTERRUPTED', 'Benchmark interrupted.');
    for (const target of running) target.process?.assertRunning();
    const targets = running.map((target, index): SoakTargetResult => {
      const load = loads[index] as (typeof loads)[number];
      const pid = target.process?.pid;
      const series = samples.get(target.id) ?? [];
      return {
        target: target.id,
        completed: load.completed,
        failed: load.failed,
        ttft: load.ttft,
        samples: series,
        peakRssInBytes: peakOf(
          pid === undefined ? undefined : readProcessMemory(pid)?.peakRssInBytes,
          series,
        ),
        flatness: evaluateSoakFlatness(series, warmupInMs),
      };
    });
    return {
      durationInMs: options.durationInMs,
      elapsedInMs: window.elapsedInMs,
      connections,
      sampleIntervalInMs,
      warmupInMs,
      targets,
      goals: targets
        .filter((target) => target.target.startsWith('ccb'))
        .map((target) =>
          soakFlatnessCheck(target.flatness, { target: target.target, durationInMs: options.durationInMs }),
        ),
    };
  } finally {
    await stopTargets(running);
  }
}

/** The higher of the kernel's high-water mark and the highest sample; `undefined` when neither was read. */
function peakOf(highWaterMark: number | undefined, samples: readonly RssSample[]): number | undefined {
  let peak = highWaterMark;
  for (const sample of samples) {
    if (peak === undefined || sample.rssInBytes > peak) peak = sample.rssInBytes;
  }
  return peak;
}
