import autocannon from 'autocannon';
import type { SampleRecorder } from './latency-stats.js';
import { connectionBatch, connectionBatches, type MeasurementWindow } from './measurement-window.js';
import type { BenchRequest } from './request-bodies.js';

/** Options of {@link runAutocannon}. */
export interface AutocannonLoadOptions {
  /** Base URL of the target, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Sent by every connection, back to back; several requests are cycled through in order. */
  readonly requests: readonly BenchRequest[];
  readonly connections: number;
  /** Only responses while it counts are counted; the load stops when it closes. */
  readonly window: MeasurementWindow;
  /** Stop after about this many responses in all (split across connection batches). Default: no limit. */
  readonly amount?: number;
  /** Receives the latency of every counted 2xx response that is a sample (see `MeasurementWindow.isSample`), in ms. */
  readonly latencies?: SampleRecorder;
  /** Receives the latency of the counted 2xx responses left out of `latencies` only for opening their connection. */
  readonly openingLatencies?: SampleRecorder;
  /** Called on every counted response with the running count of counted responses. */
  readonly onResponse?: (responses: number) => void;
}

/** What one load run counted inside its window. */
export interface LoadResult {
  /** 2xx responses. */
  readonly completed: number;
  /** Non-2xx responses plus connection errors and timeouts. */
  readonly failed: number;
}

// autocannon checks its stop flag on each sample tick; a short tick stops it soon after the window.
const sampleIntervalInMs = 100;
const requestTimeoutInSeconds = 30;
// autocannon's own duration is only a backstop: the window stops every instance.
const backstopDurationInSeconds = 24 * 60 * 60;

/**
 * Runs autocannon in this process, opening connections in batches (one autocannon instance each) so
 * no accept queue overflows. Counting happens here, on each response, because autocannon's summary
 * has no p95 and does not know about ramps.
 */
export function runAutocannon(options: AutocannonLoadOptions): Promise<LoadResult> {
  const { latencies, openingLatencies, onResponse, window } = options;
  if (options.requests.length === 0) throw new TypeError('runAutocannon needs at least one request');
  const requests = options.requests.map((request) => ({
    method: request.method,
    path: request.path,
    headers: { ...request.headers },
    body: request.body,
  }));
  const batches = connectionBatches(options.connections);
  let completed = 0;
  let failed = 0;

  // By autocannon's client, one per connection of the load, not by socket: a reconnect mid-load is the target's doing
  // (it closed the connection) and stays a sample. Marked on any answer, counted or not, 2xx or not.
  const answered = new WeakSet<object>();
  const onAnyResponse = (client: object, statusCode: number, _bytes: number, responseTimeInMs: number) => {
    const opensConnection = !answered.has(client);
    if (opensConnection) answered.add(client);
    if (!window.counting) return;
    if (statusCode >= 200 && statusCode < 300) {
      completed++;
      if (window.isSample(responseTimeInMs, opensConnection)) latencies?.add(responseTimeInMs);
      else if (opensConnection && window.isSample(responseTimeInMs, false))
        openingLatencies?.add(responseTimeInMs);
    } else {
      failed++;
    }
    onResponse?.(completed + failed);
  };
  const onRequestError = () => {
    if (window.counting) failed++;
  };

  if (window.closed) return Promise.resolve({ completed, failed });
  return new Promise<LoadResult>((resolve, reject) => {
    const instances: autocannon.Instance[] = [];
    const launchTimers = new Set<NodeJS.Timeout>();
    let pendingBatches = batches.length;
    // A batch is done when its instance ended or, if the window closed first, when it was never launched.
    const batchDone = () => {
      pendingBatches--;
      if (pendingBatches > 0) return;
      // With `amount`, the instances end on their own, and that ends the window too.
      window.close();
      resolve({ completed, failed });
    };
    const launch = (connections: number) => {
      const instance = autocannon(
        {
          // Each entry of `requests` sets its own method, path, headers and body.
          url: options.url,
          connections,
          amount:
            options.amount === undefined
              ? undefined
              : Math.max(connections, Math.round((options.amount * connections) / options.connections)),
          duration: backstopDurationInSeconds,
          sampleInt: sampleIntervalInMs,
          timeout: requestTimeoutInSeconds,
          requests,
        },
        (error) => {
          if (error) {
            window.close();
            reject(error);
          } else {
            batchDone();
          }
        },
      );
      instance.on('response', onAnyResponse);
      instance.on('reqError', onRequestError);
      instances.push(instance);
    };

    window.onClose(() => {
      for (const timer of launchTimers) {
        clearTimeout(timer);
        batchDone();
      }
      launchTimers.clear();
      for (const instance of instances) instance.stop();
    });
    batches.forEach((connections, index) => {
      if (index === 0) {
        launch(connections);
        return;
      }
      const timer = setTimeout(() => {
        launchTimers.delete(timer);
        launch(connections);
      }, index * connectionBatch.intervalInMs);
      launchTimers.add(timer);
    });
  });
}
