import { RouterError } from './router-error.js';

/** Options of {@link createProbeScheduler}. */
export interface ProbeSchedulerOptions {
  /** Names of the providers to probe. */
  readonly targets: readonly string[];
  /** Pause between the end of one probe of a target and the start of the next, in ms. */
  readonly intervalInMs: number;
  /** Spread of each pause as a fraction of `intervalInMs` (0.1 = ±10 %), so probes do not align. Default `0.1`. */
  readonly jitterRatio?: number;
  /**
   * Probes one provider; resolves `true` when it is healthy. A rejection counts as `false`. Must honour `signal`,
   * which aborts when the scheduler stops.
   */
  readonly probe: (name: string, signal: AbortSignal) => Promise<boolean>;
  /** Receives each result, e.g. `router.reportProbe`. Not called for probes aborted by `stop()`. */
  readonly onResult: (name: string, ok: boolean) => void;
  /** Timer functions; default the global ones (timers are `unref`ed when they support it). */
  readonly setTimeout?: (callback: () => void, delayInMs: number) => unknown;
  readonly clearTimeout?: (handle: unknown) => void;
  /** Randomness in [0, 1) for the jitter. Default `Math.random`. */
  readonly random?: () => number;
}

/** Runs health probes in the background. */
export interface ProbeScheduler {
  /** Starts probing every target (first probe after one jittered interval); no-op while running. */
  start(): void;
  /** Clears every timer, aborts probes in flight and resolves once they settled. */
  stop(): Promise<void>;
}

/**
 * Creates a probe scheduler. Each target runs its own loop (wait, probe, report, wait…), so one target is never
 * probed twice at once and a slow target does not delay the others. Nothing runs until `start()`.
 * @throws {RouterError} `CCB_ROUTER_INVALID_OPTIONS` for a non-positive interval or a jitter outside [0, 1).
 */
export function createProbeScheduler(options: ProbeSchedulerOptions): ProbeScheduler {
  const { targets, intervalInMs, probe, onResult } = options;
  const jitterRatio = options.jitterRatio ?? 0.1;
  const random = options.random ?? Math.random;
  const schedule =
    options.setTimeout ?? ((callback, delayInMs) => globalThis.setTimeout(callback, delayInMs));
  const cancel =
    options.clearTimeout ??
    ((handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>));
  if (!Number.isFinite(intervalInMs) || intervalInMs <= 0) {
    throw invalid(`intervalInMs must be a positive number of milliseconds, got ${String(intervalInMs)}`);
  }
  if (!Number.isFinite(jitterRatio) || jitterRatio < 0 || jitterRatio >= 1) {
    throw invalid(`jitterRatio must be at least 0 and below 1, got ${String(jitterRatio)}`);
  }

  let running = false;
  let controller: AbortController | undefined;
  const timers = new Map<string, unknown>();
  const inFlight = new Set<Promise<void>>();

  function delayInMs(): number {
    return intervalInMs * (1 + jitterRatio * (2 * random() - 1));
  }

  function scheduleNext(name: string): void {
    const handle = schedule(() => {
      timers.delete(name);
      runProbe(name);
    }, delayInMs());
    (handle as { unref?: () => void } | undefined)?.unref?.();
    timers.set(name, handle);
  }

  function runProbe(name: string): void {
    const signal = (controller as AbortController).signal;
    let attempt: Promise<boolean>;
    try {
      attempt = probe(name, signal);
    } catch {
      attempt = Promise.resolve(false);
    }
    const settled = attempt
      .then(
        (ok) => ok === true,
        () => false,
      )
      .then((ok) => {
        inFlight.delete(settled);
        if (!running || signal.aborted) return;
        try {
          onResult(name, ok);
        } catch {
          // A failing listener must not stop the probe loop.
        }
        scheduleNext(name);
      });
    inFlight.add(settled);
  }

  return {
    start() {
      if (running) return;
      running = true;
      controller = new AbortController();
      for (const name of targets) scheduleNext(name);
    },
    async stop() {
      running = false;
      for (const handle of timers.values()) cancel(handle);
      timers.clear();
      controller?.abort();
      await Promise.all(inFlight);
    },
  };
}

function invalid(problem: string): RouterError {
  return new RouterError('CCB_ROUTER_INVALID_OPTIONS', `Invalid probe scheduler options: ${problem}.`);
}
