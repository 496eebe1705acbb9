/**
 * The pause before the next batched write: `baseInMs` normally, doubled on each consecutive failed batch up to
 * `maxInMs`, back to `baseInMs` once a batch is written. A Redis that is connected but refuses writes (OOM,
 * READONLY after a fail-over) would otherwise be asked again every few ms for as long as it refuses.
 */
export interface WriteBackOff {
  delayInMs(): number;
  failed(): void;
  succeeded(): void;
}

/** Longest pause between two attempts while Redis refuses writes. */
export const maxWriteBackOffInMs = 5_000;

export function createWriteBackOff(baseInMs: number, maxInMs = maxWriteBackOffInMs): WriteBackOff {
  let delayInMs = baseInMs;
  return {
    delayInMs: () => delayInMs,
    failed() {
      delayInMs = Math.min(Math.max(delayInMs * 2, 1), Math.max(maxInMs, baseInMs));
    },
    succeeded() {
      delayInMs = baseInMs;
    },
  };
}
