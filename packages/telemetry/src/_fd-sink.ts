import { writeSync } from 'node:fs';
import type { ByteSink } from './_line-batch.js';

/** How long a full pipe may hold up one batch before it is given up. */
const maxBlockedInMs = 10_000;
/** Pause between tries while the reader of a full pipe catches up. */
const retryPauseInMs = 5;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Why bytes meant for the descriptor were given up: a write error, with how many bytes were lost. */
export type FdSinkFailure = (error: NodeJS.ErrnoException, lostBytes: number) => void;

/**
 * Writes each batch to a file descriptor synchronously, as pino's own default destination does: one `write(2)` of
 * ready bytes, with no thread-pool round trip. A non-blocking pipe that is full (`EAGAIN`) is retried after short
 * pauses, up to 10 s per batch, so a slow reader slows ccb rather than growing its memory; after that, or on any
 * other error (`EPIPE`, `EBADF`), the batch is given up and reported.
 */
export function createFdSink(fd: number, onFailure: FdSinkFailure): ByteSink {
  return {
    write(bytes) {
      let offset = 0;
      let blockedSince: number | undefined;
      while (offset < bytes.length) {
        try {
          offset += writeSync(fd, bytes, offset, bytes.length - offset);
          blockedSince = undefined;
        } catch (error) {
          const failure = error as NodeJS.ErrnoException;
          const busy = failure.code === 'EAGAIN' || failure.code === 'EBUSY';
          const now = Date.now();
          blockedSince ??= now;
          if (!busy || now - blockedSince >= maxBlockedInMs) {
            onFailure(failure, bytes.length - offset);
            return;
          }
          Atomics.wait(sleeper, 0, 0, retryPauseInMs);
        }
      }
    },
  };
}
