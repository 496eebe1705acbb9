import { type Dispatcher, Pool } from 'undici';
import { FirstTokenMark } from './first-token-mark.js';
import type { SampleRecorder } from './latency-stats.js';
import { connectionBatch, connectionBatches, type MeasurementWindow } from './measurement-window.js';
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
  /** Receives the time from sending to the first body byte (or token, see `timeTo`) of every counted 2xx response, in ms. */
  readonly ttfb: SampleRecorder;
  /**
   * What `ttfb` times in an event stream: its `first-byte` (the default) or its `first-token` (the chunk with its first
   * `content_block_delta`). Answers that are not event streams are timed to their first byte either way.
   */
  readonly timeTo?: 'first-byte' | 'first-token';
  /** Receives the full response time of every counted 2xx response, in ms. */
  readonly latencies?: SampleRecorder;
}

const defaultMaxRequests = 1_000_000;

// One handler object per request and no closures: the probe must cost the load generator little.
class ProbeHandler implements Dispatcher.DispatchHandler {
  readonly sentAt = performance.now();
  ok = false;
  timed = false;
  /** Set for an event stream when the probe times its first token. */
  tokenMark: FirstTokenMark | undefined;
  constructor(
    private readonly window: MeasurementWindow,
    private readonly ttfb: SampleRecorder,
    private readonly firstToken: boolean,
    private readonly done: (ok: boolean) => void,
  ) {}
  // undici recognises the current handler API by this method; without it, it expects the legacy one.
  onRequestStart(): void {}
  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.ok = statusCode >= 200 && statusCode < 300;
    const contentType = headers['content-type'];
    if (this.firstToken && typeof contentType === 'string' && contentType.startsWith('text/event-stream')) {
      this.tokenMark = new FirstTokenMark();
    }
  }
  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.timed) return;
    if (this.tokenMark !== undefined && !this.tokenMark.foundIn(chunk)) return;
    this.timed = true;
    // Recorded now, not at the end: a stream cut by the window's end still had its first byte (or token).
    const ttfb = performance.now() - this.sentAt;
    if (this.ok && this.window.isSample(ttfb)) this.ttfb.add(ttfb);
  }
  onResponseEnd(): void {
    this.done(this.ok);
  }
  onResponseError(): void {
    this.done(false);
  }
}

/**
 * Measures time to first byte with undici (autocannon only sees whole responses): `connections`
 * loops, started in batches like {@link runAutocannon}'s connections, each send `request` back to back
 * until the window closes or `maxRequests` were started.
 */
export async function runTtfbProbe(options: TtfbProbeOptions): Promise<LoadResult> {
  const { requests, latencies, window, ttfb } = options;
  const firstToken = options.timeTo === 'first-token';
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
  const send = (next: (() => BenchRequest) | undefined, resolve: (ok: boolean) => void) => {
    const handler = new ProbeHandler(window, ttfb, firstToken, resolve);
    pool.dispatch(fixed ?? toDispatch((next as () => BenchRequest)()), handler);
    return handler;
  };

  async function loop(connection: number, delayInMs: number): Promise<void> {
    const next = requests.kind === 'fixed' ? undefined : requests.connection(connection);
    if (delayInMs > 0) await new Promise((resolve) => setTimeout(resolve, delayInMs));
    while (!window.closed && started < maxRequests) {
      started++;
      let handler: ProbeHandler | undefined;
      const ok = await new Promise<boolean>((resolve) => {
        handler = send(next, resolve);
      });
      if (!window.counting) continue;
      if (!ok) {
        failed++;
        continue;
      }
      completed++;
      const latency = performance.now() - (handler as ProbeHandler).sentAt;
      if (window.isSample(latency)) latencies?.add(latency);
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
