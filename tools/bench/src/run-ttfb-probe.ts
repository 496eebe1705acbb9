import { type Dispatcher, Pool } from 'undici';
import type { SampleRecorder } from './latency-stats.js';
import { connectionBatch, connectionBatches, type MeasurementWindow } from './measurement-window.js';
import { ProbeHandler, type ProbeSettings, type TimeTo } from './probe-handler.js';
import type { BenchRequest } from './request-bodies.js';
import type { RequestSource } from './request-source.js';
import type { LoadResult } from './run-autocannon.js';

/** Options of {@link runTtfbProbe}. */
export interface TtfbProbeOptions {
  /** Base URL of the target, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** One request for every connection, or a sequence per connection (bodies that grow, sessions that differ). */
  readonly requests: RequestSource;
  /** Concurrent requests, one connection each. */
  readonly connections: number;
  /** Only responses while it counts are counted; in-flight requests are cut when it closes. */
  readonly window: MeasurementWindow;
  /** Most requests started, whatever the time. Default 1 000 000. */
  readonly maxRequests?: number;
  /** Receives the time from sending to the first byte (or token, see `timeTo`) of every counted 2xx response, in ms. */
  readonly timesToFirst: SampleRecorder;
  /**
   * What `timesToFirst` times in an event stream (default `first-byte`). Timed to its first token, a stream that ends
   * without one counts as failed.
   */
  readonly timeTo?: TimeTo;
  /** Receives the full response time of every counted 2xx response that is a sample, in ms. */
  readonly latencies?: SampleRecorder;
  /** Receives the full response time of the counted 2xx responses left out of `latencies` only for opening a connection. */
  readonly openingLatencies?: SampleRecorder;
}

const defaultMaxRequests = 1_000_000;

/**
 * Measures time to first byte, or token, with undici (autocannon only sees whole responses): `connections`
 * loops, started in batches like {@link runAutocannon}'s connections, each send `request` back to back
 * until the window closes or `maxRequests` were started.
 */
export async function runTtfbProbe(options: TtfbProbeOptions): Promise<LoadResult> {
  const { requests, latencies, openingLatencies, window } = options;
  const settings: ProbeSettings = {
    window,
    timesToFirst: options.timesToFirst,
    firstToken: options.timeTo === 'first-token',
    now: () => performance.now(),
  };
  const origin = new URL(options.url).origin;
  const pool = new Pool(origin, { connections: options.connections, keepAliveTimeout: 30_000 });
  const maxRequests = options.maxRequests ?? defaultMaxRequests;
  let started = 0;
  let completed = 0;
  let failed = 0;
  const toDispatch = (request: BenchRequest): Dispatcher.DispatchOptions => ({
    origin,
    method: request.method,
    path: request.path,
    headers: request.headers,
    body: request.body,
  });
  // One options object for a fixed request; a sequence builds one per request (its body changes).
  const fixed = requests.kind === 'fixed' ? toDispatch(requests.request) : undefined;
  const send = (
    next: (() => BenchRequest) | undefined,
    resolve: (ok: boolean) => void,
    opensConnection: boolean,
  ) => {
    const handler = new ProbeHandler(settings, resolve, opensConnection);
    pool.dispatch(fixed ?? toDispatch((next as () => BenchRequest)()), handler);
    return handler;
  };

  async function loop(connection: number, delayInMs: number): Promise<void> {
    const next = requests.kind === 'fixed' ? undefined : requests.connection(connection);
    if (delayInMs > 0) await new Promise((resolve) => setTimeout(resolve, delayInMs));
    // A loop's first request leaves with its batch as the pool opens connections for it: start-up, never a sample.
    // The pool does not tie a loop to a socket, but it holds one per loop and each loop sends again as soon as its
    // last request ends, so after the first requests none opens another.
    let first = true;
    while (!window.closed && started < maxRequests) {
      started++;
      const opensConnection = first;
      first = false;
      let handler: ProbeHandler | undefined;
      const ok = await new Promise<boolean>((resolve) => {
        handler = send(next, resolve, opensConnection);
      });
      if (!window.counting) continue;
      if (!ok) {
        failed++;
        continue;
      }
      completed++;
      const latency = performance.now() - (handler as ProbeHandler).sentAt;
      if (window.isSample(latency, opensConnection)) latencies?.add(latency);
      else if (opensConnection && window.isSample(latency, false)) openingLatencies?.add(latency);
    }
  }

  // Cuts requests still in flight when the window closes; they end as errors and are not counted.
  window.onClose(() => void pool.destroy());
  const loops = connectionBatches(options.connections).flatMap((size, batch) =>
    Array.from({ length: size }, (_, index) =>
      loop(batch * connectionBatch.size + index, batch * connectionBatch.intervalInMs),
    ),
  );
  await Promise.all(loops);
  // Loops also end at `maxRequests`, with the window (shared with autocannon) still open.
  if (!pool.destroyed) await pool.destroy();
  return { completed, failed };
}
