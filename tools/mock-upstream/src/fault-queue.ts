import { type Fault, isStreamFault } from './fault.js';
import { MockUpstreamError } from './mock-upstream-error.js';

/** A FIFO of injected faults, each good for a number of matching requests. */
export interface FaultQueue {
  /** Number of requests the queued faults will still affect. */
  readonly pending: number;
  /** Queues `fault` for the next `count` matching requests (default 1). */
  add(fault: Fault, count?: number): void;
  /**
   * Takes the fault for a request, or undefined. Stream-only faults are skipped (not used up) unless
   * `isStreamingMessages` is true.
   */
  take(isStreamingMessages: boolean): Fault | undefined;
  clear(): void;
}

interface QueuedFault {
  readonly fault: Fault;
  remaining: number;
}

/** Creates an empty {@link FaultQueue}. */
export function createFaultQueue(): FaultQueue {
  const entries: QueuedFault[] = [];
  let pending = 0;

  return {
    get pending() {
      return pending;
    },
    add(fault, count = 1) {
      if (!Number.isInteger(count) || count < 1) {
        throw new MockUpstreamError(
          'CCB_MOCK_UPSTREAM_INVALID_FAULT',
          `Invalid fault count ${JSON.stringify(count)}: it must be a positive integer.`,
        );
      }
      entries.push({ fault, remaining: count });
      pending += count;
    },
    take(isStreamingMessages) {
      // The hot path in lean benchmarks: nothing queued costs one comparison.
      if (pending === 0) return undefined;
      for (let index = 0; index < entries.length; index++) {
        const entry = entries[index] as QueuedFault;
        if (!isStreamingMessages && isStreamFault(entry.fault)) continue;
        entry.remaining--;
        pending--;
        if (entry.remaining === 0) entries.splice(index, 1);
        return entry.fault;
      }
      return undefined;
    },
    clear() {
      entries.length = 0;
      pending = 0;
    },
  };
}
