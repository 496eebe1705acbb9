import { writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ByteSink } from './_line-batch.js';

/** How long a full pipe may hold up one batch before it is given up, by default. */
const defaultMaxBlockedInMs = 10_000;
/** Pause between tries while the reader of a full pipe catches up. */
const retryPauseInMs = 5;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const newline = Buffer.from('\n');

/** Why bytes meant for the descriptor were given up: a write error, with how many bytes were lost. */
export type FdSinkFailure = (error: NodeJS.ErrnoException, lostBytes: number) => void;

/**
 * Writes each batch to a file descriptor synchronously, as pino's own default destination does: one `write(2)` of
 * ready bytes, with no thread-pool round trip. A non-blocking pipe that is full (`EAGAIN`) is retried after short
 * pauses, up to 10 s per batch, so a slow reader slows ccb rather than growing its memory. After that, or on any
 * other error (`EPIPE`, `EBADF`), the batch is given up and reported; while the descriptor stays stuck, later
 * batches get one try each instead of another 10 s wait, so ccb keeps serving.
 */
export function createFdSink(
  fd: number,
  onFailure: FdSinkFailure,
  maxBlockedInMs = defaultMaxBlockedInMs,
): ByteSink {
  let stuck = false;
  /** A batch was given up part-way: its last line is cut, so the next bytes start on a new line. */
  let torn = false;

  /** Writes all of `bytes`; on failure returns the error and how many bytes went out. */
  function writeAll(bytes: Uint8Array): { error: NodeJS.ErrnoException; written: number } | undefined {
    let offset = 0;
    const startedAt = performance.now();
    while (offset < bytes.length) {
      try {
        offset += writeSync(fd, bytes, offset, bytes.length - offset);
      } catch (error) {
        const failure = error as NodeJS.ErrnoException;
        const busy = failure.code === 'EAGAIN' || failure.code === 'EBUSY';
        if (!busy || stuck || performance.now() - startedAt >= maxBlockedInMs) {
          return { error: failure, written: offset };
        }
        Atomics.wait(sleeper, 0, 0, retryPauseInMs);
      }
    }
    return undefined;
  }

  return {
    write(bytes) {
      if (torn) {
        const failed = writeAll(newline);
        if (failed !== undefined) {
          onFailure(failed.error, bytes.length);
          return;
        }
        torn = false;
      }
      const failed = writeAll(bytes);
      if (failed === undefined) {
        stuck = false;
        return;
      }
      stuck = true;
      torn = failed.written > 0;
      onFailure(failed.error, bytes.length - failed.written);
    },
  };
}
