import { formatNumber, formatTable } from './format-table.js';
import { openMeasurementWindow } from './measurement-window.js';
import { readProcessMemory } from './proc-stats.js';
import { createBenchRequest } from './request-bodies.js';
import { runAutocannon } from './run-autocannon.js';
import { type BenchEnvironment, startTargets, stopTargets } from './start-targets.js';

/** RSS of ccb at one point of the soak test. */
export interface SoakSample {
  readonly phase: 'start' | 'middle' | 'end';
  /** Responses received when the sample was taken. */
  readonly responses: number;
  readonly rssInBytes: number | undefined;
}

/** What the soak test measured. */
export interface SoakResult {
  readonly requests: number;
  readonly completed: number;
  readonly failed: number;
  readonly elapsedInMs: number;
  readonly samples: readonly SoakSample[];
  /** Highest RSS over the whole soak (`VmHWM`), in bytes. */
  readonly peakRssInBytes: number | undefined;
}

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** Requests to send. */
  readonly requests: number;
  /** Concurrent connections. Default 50. */
  readonly connections?: number;
}

const defaultConnections = 50;
// A bound on the whole soak: 10 ms per request (100 requests/s is far below any healthy run), at least a minute.
const maxTimePerRequestInMs = 10;
const minSoakTimeInMs = 60_000;

/**
 * Sends `requests` mixed requests (short, streaming, ~100 KB bodies) to a fresh ccb in front of the
 * unpaced mock, reading ccb's RSS before the load, at the halfway response and after the last one. A
 * steadily growing RSS across the three points suggests a leak; heap sizes would need an endpoint in
 * ccb, so RSS from /proc stands in for them.
 */
export async function runSoak(environment: BenchEnvironment, options: SoakOptions): Promise<SoakResult> {
  const [ccb] = await startTargets(environment, {
    label: 'soak',
    targets: ['ccb'],
    upstreamUrl: environment.mockUrls.fast,
  });
  const pid = ccb?.process?.pid;
  if (ccb === undefined || pid === undefined) throw new Error('startTargets did not start ccb');
  try {
    const rss = () => readProcessMemory(pid)?.rssInBytes;
    const samples: SoakSample[] = [{ phase: 'start', responses: 0, rssInBytes: rss() }];
    const half = Math.floor(options.requests / 2);
    const small = createBenchRequest('small');
    const window = openMeasurementWindow({
      rampInMs: 0,
      durationInMs: Math.max(minSoakTimeInMs, options.requests * maxTimePerRequestInMs),
      signal: environment.signal,
    });
    const result = await runAutocannon({
      url: ccb.url,
      requests: [small, createBenchRequest('stream'), small, createBenchRequest('medium')],
      connections: Math.min(options.connections ?? defaultConnections, options.requests),
      amount: options.requests,
      window,
      onResponse: (responses) => {
        if (responses === half) samples.push({ phase: 'middle', responses, rssInBytes: rss() });
      },
    });
    samples.push({ phase: 'end', responses: result.completed + result.failed, rssInBytes: rss() });
    ccb.process?.assertRunning();
    return {
      requests: options.requests,
      completed: result.completed,
      failed: result.failed,
      elapsedInMs: window.elapsedInMs,
      samples,
      peakRssInBytes: readProcessMemory(pid)?.peakRssInBytes,
    };
  } finally {
    await stopTargets([ccb]);
  }
}

/** The soak result as a titled plain-text table. */
export function formatSoakTable(result: SoakResult): string {
  const mib = (bytes: number | undefined) =>
    formatNumber(bytes === undefined ? undefined : bytes / 1024 / 1024, 1);
  const rps = (result.completed * 1000) / result.elapsedInMs;
  const table = formatTable(
    [{ header: 'phase', align: 'left' }, { header: 'responses' }, { header: 'ccb RSS MiB' }],
    result.samples.map((sample) => [sample.phase, String(sample.responses), mib(sample.rssInBytes)]),
  );
  return [
    `soak: ${result.requests} mixed requests to ccb (short, streaming, ~100 KB), ${formatNumber(rps, 0)} RPS, ${result.failed} errors`,
    table,
    `peak RSS (VmHWM): ${mib(result.peakRssInBytes)} MiB`,
  ].join('\n');
}
