import { MockUpstreamError } from './mock-upstream-error.js';

/** A counter whose value can be awaited: the event-driven core of `waitForRequests` and `waitForAbort`. */
export interface CountSignal {
  readonly count: number;
  increment(): void;
  /** Sets the count back to 0; pending waits keep waiting for their target. */
  reset(): void;
  /**
   * Resolves once `count >= target`, or rejects with `CCB_MOCK_UPSTREAM_WAIT_TIMEOUT` after
   * `timeoutInMs`, or with `CCB_MOCK_UPSTREAM_CLOSED` when {@link CountSignal.close} is called.
   * `what` names the awaited thing in the error message.
   */
  waitFor(target: number, timeoutInMs: number, what: string): Promise<void>;
  /** Rejects every pending wait and any later one. */
  close(): void;
}

interface Waiter {
  readonly target: number;
  readonly resolve: () => void;
  readonly reject: (error: MockUpstreamError) => void;
  readonly timer: NodeJS.Timeout;
}

/** Creates a {@link CountSignal} starting at 0. */
export function createCountSignal(): CountSignal {
  let count = 0;
  let closed = false;
  const waiters = new Set<Waiter>();

  return {
    get count() {
      return count;
    },
    increment() {
      count++;
      if (waiters.size === 0) return;
      for (const waiter of waiters) {
        if (count < waiter.target) continue;
        clearTimeout(waiter.timer);
        waiters.delete(waiter);
        waiter.resolve();
      }
    },
    reset() {
      count = 0;
    },
    waitFor(target, timeoutInMs, what) {
      if (closed) {
        return Promise.reject(
          new MockUpstreamError(
            'CCB_MOCK_UPSTREAM_CLOSED',
            `Cannot wait for ${what}: the mock upstream is closed.`,
          ),
        );
      }
      if (count >= target) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new MockUpstreamError(
              'CCB_MOCK_UPSTREAM_WAIT_TIMEOUT',
              `Timed out after ${timeoutInMs} ms waiting for ${what} (have ${count}, want ${target}).`,
            ),
          );
        }, timeoutInMs);
        const waiter: Waiter = { target, resolve, reject, timer };
        waiters.add(waiter);
      });
    },
    close() {
      closed = true;
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(
          new MockUpstreamError(
            'CCB_MOCK_UPSTREAM_CLOSED',
            'The mock upstream closed while a wait was pending.',
          ),
        );
      }
      waiters.clear();
    },
  };
}
