import type { Dispatcher } from 'undici';
import { FirstTokenMark } from './first-token-mark.js';
import type { SampleRecorder } from './latency-stats.js';
import type { MeasurementWindow } from './measurement-window.js';

/**
 * What a probe times in an event stream: its first byte, or its first token (the chunk that completes its first
 * `content_block_delta` line). Answers that are not event streams are timed to their first byte either way.
 */
export type TimeTo = 'first-byte' | 'first-token';

/** What a probe run's handlers share: built once per run, so a request allocates only its handler. */
export interface ProbeSettings {
  readonly window: MeasurementWindow;
  /** Receives each counted 2xx response's time to its first byte, or to its first token (see `firstToken`), in ms. */
  readonly timesToFirst: SampleRecorder;
  /** Time an event stream to its first token instead of its first byte. */
  readonly firstToken: boolean;
  /** The clock, in ms. */
  readonly now: () => number;
}

/**
 * One probe request's undici handler: times its first byte (or, for an event stream when `firstToken` is set, the
 * chunk that completes its first `content_block_delta` line) and reports its end. A stream timed to its first token
 * that ends without one did not deliver what the probe waits for, and ends as failed, so that it is counted rather
 * than left out of the percentiles. One object per request and no closures: the probe must cost the load generator
 * little.
 */
export class ProbeHandler implements Dispatcher.DispatchHandler {
  readonly sentAt: number;
  ok = false;
  timed = false;
  /** Set for a 2xx event stream when the probe times its first token. */
  tokenMark: FirstTokenMark | undefined;
  /** The first request of its loop, sent as its connection opens: counted, never a sample. */
  readonly #opensConnection: boolean;
  readonly #settings: ProbeSettings;
  readonly #done: (ok: boolean) => void;

  constructor(settings: ProbeSettings, done: (ok: boolean) => void, opensConnection: boolean) {
    this.#settings = settings;
    this.#done = done;
    this.#opensConnection = opensConnection;
    this.sentAt = settings.now();
  }

  // undici recognises the current handler API by this method; without it, it expects the legacy one.
  onRequestStart(): void {}

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.ok = statusCode >= 200 && statusCode < 300;
    if (!this.ok || !this.#settings.firstToken) return;
    const contentType = headers['content-type'];
    if (typeof contentType === 'string' && contentType.startsWith('text/event-stream')) {
      this.tokenMark = new FirstTokenMark();
    }
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.timed) return;
    if (this.tokenMark !== undefined && !this.tokenMark.foundIn(chunk)) return;
    this.timed = true;
    const { window, timesToFirst, now } = this.#settings;
    // Recorded now, not at the end: a stream cut by the window's end still had its first byte (or token).
    const waitedInMs = now() - this.sentAt;
    if (this.ok && window.isSample(waitedInMs, this.#opensConnection)) timesToFirst.add(waitedInMs);
  }

  onResponseEnd(): void {
    this.#done(this.ok && (this.tokenMark === undefined || this.timed));
  }

  onResponseError(): void {
    this.#done(false);
  }
}
