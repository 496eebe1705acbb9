/** When a load run counts: after a ramp (connections opening, uncounted), for a fixed time. */
export interface MeasurementWindow {
  /** True between the end of the ramp and the end of the window. */
  readonly counting: boolean;
  /** True once the window ended, ran out of work or was aborted: load generators stop. */
  readonly closed: boolean;
  /** Counted time, in ms: so far while counting, final once closed; 0 before the window opened. */
  readonly elapsedInMs: number;
  /**
   * True when a response arriving now, `latencyInMs` after its request left, is a latency sample: it arrives while
   * counting, its request left after the last connections were launched (the window's start less its settle time),
   * and it was not the first request on its connection of the load (`opensConnection`: an autocannon client, a probe
   * loop). A request sent while connections were still opening carries start-up delays into the window, and so does
   * a connection's first, even on the last batch: it goes out with its whole batch at once, to a target that may have
   * rested while the others ran (docs/performance.md, item 48). A later one sent during the settle time is steady
   * load, and keeping it spares long requests (streams) a bias against them.
   */
  isSample(latencyInMs: number, opensConnection: boolean): boolean;
  /** Ends the window now (early, e.g. a fixed request count was reached). Idempotent. */
  close(): void;
  /** Runs `listener` when the window closes (at once if it already has). */
  onClose(listener: () => void): void;
}

/** Options of {@link openMeasurementWindow}. */
export interface MeasurementWindowOptions {
  /** Uncounted time before the window, in ms. */
  readonly rampInMs: number;
  /** The last part of the ramp, after every connection was launched: requests sent then give samples. Default 0. */
  readonly settleInMs?: number;
  /** Counted time, in ms. */
  readonly durationInMs: number;
  /** Aborting closes the window. */
  readonly signal?: AbortSignal;
  /** Called as counting starts, e.g. to read the target's CPU time. */
  readonly onOpen?: () => void;
  /** Called as the window closes (before `onClose` listeners). */
  readonly onEnd?: () => void;
  /** Clock in ms for `elapsedInMs`. Default `performance.now`. */
  readonly now?: () => number;
}

/** Batches in which connections are opened, and the pause between two batches. */
export const connectionBatch = { size: 25, intervalInMs: 50 } as const;

/**
 * Splits `connections` into batches of at most {@link connectionBatch}.size. Opening them a batch at a
 * time keeps every server's accept queue (Node's default listen backlog is 511) from overflowing:
 * an overflow drops SYNs, and the client's retransmit one second later would show up as latency.
 */
export function connectionBatches(connections: number): number[] {
  const batches: number[] = [];
  for (let remaining = connections; remaining > 0; remaining -= connectionBatch.size) {
    batches.push(Math.min(remaining, connectionBatch.size));
  }
  return batches;
}

/** Time to open `connections` in batches, plus `settleInMs` for them to reach a steady state. */
export function rampTimeInMs(connections: number, settleInMs: number): number {
  return Math.max(0, connectionBatches(connections).length - 1) * connectionBatch.intervalInMs + settleInMs;
}

/** Opens a {@link MeasurementWindow}: timers start now. */
export function openMeasurementWindow(options: MeasurementWindowOptions): MeasurementWindow {
  const now = options.now ?? (() => performance.now());
  const settleInMs = options.settleInMs ?? 0;
  let counting = false;
  let closed = false;
  let openedAt: number | undefined;
  let closedAt: number | undefined;
  let endTimer: NodeJS.Timeout | undefined;
  const listeners: (() => void)[] = [];

  const close = () => {
    if (closed) return;
    closed = true;
    if (counting) closedAt = now();
    counting = false;
    clearTimeout(startTimer);
    clearTimeout(endTimer);
    options.signal?.removeEventListener('abort', close);
    options.onEnd?.();
    for (const listener of listeners) listener();
  };
  const startTimer = setTimeout(() => {
    counting = true;
    openedAt = now();
    options.onOpen?.();
    endTimer = setTimeout(close, options.durationInMs);
  }, options.rampInMs);
  if (options.signal?.aborted) close();
  else options.signal?.addEventListener('abort', close, { once: true });

  return {
    get counting() {
      return counting;
    },
    get closed() {
      return closed;
    },
    get elapsedInMs() {
      if (openedAt === undefined) return 0;
      return (closedAt ?? now()) - openedAt;
    },
    isSample(latencyInMs, opensConnection) {
      return (
        !opensConnection && counting && openedAt !== undefined && now() - latencyInMs >= openedAt - settleInMs
      );
    },
    close,
    onClose(listener) {
      if (closed) listener();
      else listeners.push(listener);
    },
  };
}
