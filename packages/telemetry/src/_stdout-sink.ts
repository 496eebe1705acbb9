import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { SonicBoomOpts, SonicBoom as SonicBoomStream } from 'sonic-boom';
import { countLines, LineBatch } from './_line-batch.js';
import type { LogLossCounter, LogLossReason, LossCause } from './log-loss.js';

/** Options of {@link createStdoutSink}. */
export interface StdoutSinkOptions {
  /** Bytes stdout has not taken yet that are held at most; a batch beyond is dropped and counted. */
  readonly maxBacklogInBytes: number;
  /** How long `flush()`, `close()` and the exit hook keep retrying a full stdout before giving its lines up. */
  readonly flushTimeoutInMs: number;
  readonly loss: LogLossCounter;
  /** The descriptor written; tests pass a FIFO. Default 1 (stdout). */
  readonly fd?: number;
}

/** Lines to stdout: gathered, written without ever waiting on the reader, lost lines counted. */
export interface StdoutSink {
  /** A line without its newline, gathered into the next batch. */
  line(line: string): void;
  /** Text ending with a newline (a non-request line), written now, after what was gathered. */
  text(text: string): void;
  /** Writes what is gathered; while stdout is full, retries for up to `flushTimeoutInMs`. Never rejects. */
  flush(): Promise<void>;
  /** Flushes, stops the batch timer and the exit hook; what stdout still did not take is counted as lost. */
  close(): Promise<void>;
}

/**
 * The most one batch holds: a pipe's default capacity on Linux (docker, systemd and Kubernetes give stdout a pipe), so
 * a batch to a drained pipe goes in one write instead of being cut mid-line. `maxBacklogInBytes` must hold one.
 */
export const batchCapacityInBytes = 64 * 1024;
/**
 * A batch leaves once this much is gathered (the rest of its capacity is room for the line that fills it)… One
 * `write(2)` per ~75 request lines: timed in the process, gathering and writing a line took ~1.5 µs in larger
 * batches against 2.0–3.1 with 16 KiB ones (docs/performance.md item 41).
 */
const batchInBytes = 48 * 1024;
/** …or this long after the last one, at most. */
const maxBatchDelayInMs = 200;
/** Pause between tries while `flush()` or the exit hook waits for a full stdout. */
const retryPauseInMs = 10;

/**
 * Creates the stdout writer of a JSON or pretty logger. pino's destination, sonic-boom, does the writing with
 * public options only: synchronous writes (one `write(2)` per batch, no thread-pool round trip), `maxLength` as
 * the backlog cap (a batch beyond it is refused with a `drop` event, never cut), and `retryEAGAIN` always false, so
 * a full stdout (`EAGAIN`) is an `error` event at once instead of sonic-boom's 100 ms sleep; the batch stays queued
 * in sonic-boom and goes out with the next write or the timer's retry. Synchronous writes need a non-blocking
 * descriptor to never wait: for fd 1 that is what `process.stdout` sets up on a pipe or socket.
 */
export function createStdoutSink(options: StdoutSinkOptions): StdoutSink {
  const fd = options.fd ?? 1;
  // libuv opens a pipe or socket non-blocking (uv_pipe_open), for good: a full pipe then answers EAGAIN instead of
  // blocking the event loop. A file or /dev/null never stays full; a terminal stays blocking, as for console.log.
  if (fd === 1) void process.stdout;
  const sink = new SinkState(fd, options);
  exitHooks.add(sink);
  ensureExitListener();
  return {
    line: (line) => {
      if (sink.closed) sink.lostAfterClose(line);
      else sink.batch.add(line);
    },
    text: (text) => {
      const line = text.endsWith('\n') ? text.slice(0, -1) : text;
      if (sink.closed) return sink.lostAfterClose(line);
      sink.batch.add(line);
      sink.batch.drain();
    },
    flush: () => sink.flush(),
    close: () => sink.close(),
  };
}

class SinkState {
  readonly batch: LineBatch;
  readonly #sonic: SonicBoomStream;
  readonly #options: StdoutSinkOptions;
  readonly #timer: NodeJS.Timeout;
  /** Batches handed to sonic-boom that stdout has not taken in full yet, oldest first. */
  #backlog: Buffer[] = [];
  /** Bytes of the backlog written already (sonic-boom's `write` events). */
  #backlogWritten = 0;
  /** Set by sonic-boom's events during one call: stdout was full; the call's batch was refused. */
  #stalled = false;
  #dropped = false;
  /** stdout failed for good (EPIPE, EBADF): nothing is written any more, every line is counted. */
  #failure: LossCause | undefined;
  #closed = false;
  /** Why stdout refuses lines for now (full, or an error such as a full disk), for the loss report. */
  #stallCause: LossCause = fullCause;
  /** A `flush()` waited its whole timeout since stdout last took everything: the exit hook tries once only. */
  #gaveUp = false;
  /** sonic-boom closed: it closes any descriptor but 1 and 2, so `close()` waits for it. */
  readonly #sonicClosed: Promise<void>;

  constructor(fd: number, options: StdoutSinkOptions) {
    this.#options = options;
    this.#sonic = new SonicBoom({
      fd,
      sync: true,
      contentMode: 'buffer',
      maxLength: options.maxBacklogInBytes,
      retryEAGAIN: () => false,
    });
    this.#sonic.on('write', (bytes: number) => {
      this.#backlogWritten += bytes;
    });
    this.#sonic.on('drop', () => {
      this.#dropped = true;
    });
    this.#sonic.on('error', (error: NodeJS.ErrnoException) => this.#onError(error));
    this.#sonicClosed = new Promise((resolve) => this.#sonic.once('close', () => resolve()));
    this.batch = new LineBatch(
      { write: (bytes) => this.#writeBatch(bytes) },
      batchInBytes,
      batchCapacityInBytes,
    );
    // Pushes out a partial batch and retries a backlog while no new line comes. Cleared by close().
    this.#timer = setInterval(() => {
      this.batch.drain();
      if (this.#backlog.length > 0) this.#retry();
    }, maxBatchDelayInMs).unref();
  }

  #writeBatch(bytes: Uint8Array): void {
    // A copy: sonic-boom keeps the buffer while stdout is full, and the batch reuses its own.
    const copy = Buffer.from(bytes);
    if (this.#offer(copy)) return;
    // The backlog is at its cap: stdout may take some of it now, which makes room for this batch.
    this.#retry();
    if (this.#offer(copy)) return;
    const lines = countLines(copy);
    if (this.#failure === undefined && !this.#closed)
      this.#options.loss.add('full', lines, copy.length, this.#stallCause);
    else if (this.#failure !== undefined) this.#options.loss.add('error', lines, copy.length, this.#failure);
    else this.#options.loss.add('closed', lines, copy.length, afterCloseCause);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** A line that came after `close()`: nothing will write it, so it is counted at once. */
  lostAfterClose(line: string): void {
    this.#options.loss.add('closed', 1, Buffer.byteLength(line) + 1, afterCloseCause);
  }

  /** Hands `batch` to sonic-boom, which writes what stdout takes now; false when refused (or stdout is gone). */
  #offer(batch: Buffer): boolean {
    if (this.#failure !== undefined || this.#closed) return false;
    this.#backlog.push(batch);
    this.#attempt(() => this.#sonic.write(batch as unknown as string));
    if (!this.#dropped) return true;
    this.#backlog.pop();
    return false;
  }

  /** Writes the backlog again, if stdout takes it now. */
  #retry(): void {
    if (this.#failure === undefined && !this.#closed) this.#attempt(() => this.#sonic.flush());
  }

  /**
   * One synchronous write: sonic-boom writes until its queue is empty or stdout is full. Without a full stdout (an
   * `error`) or a refusal (a `drop`, which writes nothing), every byte handed over is out.
   */
  #attempt(write: () => void): void {
    this.#stalled = false;
    this.#dropped = false;
    write();
    if (!this.#stalled && !this.#dropped && this.#failure === undefined) {
      this.#backlog = [];
      this.#backlogWritten = 0;
      this.#gaveUp = false;
    }
  }

  #onError(error: NodeJS.ErrnoException): void {
    if (this.#failure !== undefined || this.#closed) return;
    if (error.code === 'EAGAIN' || error.code === 'EBUSY') {
      this.#stallCause = fullCause;
      this.#stalled = true;
      return;
    }
    if (!permanentErrors.has(error.code ?? '')) {
      // A full disk (ENOSPC) or an I/O error (EIO) may clear: the backlog waits, as for a slow reader, within its cap.
      const code = error.code ?? error.message;
      this.#stallCause = { key: code, says: `stdout refuses log lines for now (${code})` };
      this.#stalled = true;
      return;
    }
    // The reader closed stdout (EPIPE) or it is gone (EBADF): it will not take anything again.
    const code = error.code ?? error.message;
    this.#failure = { key: code, says: `stdout refused log lines (${code})` };
    this.#countBacklog('error', this.#failure);
    this.#sonic.destroy();
  }

  /** Counts what stdout has not taken of the backlog as lost, a line cut part-way included. */
  #countBacklog(reason: LogLossReason, cause: LossCause): void {
    let skip = this.#backlogWritten;
    let lines = 0;
    let bytes = 0;
    for (const chunk of this.#backlog) {
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      const unwritten = chunk.subarray(skip);
      skip = 0;
      lines += countLines(unwritten);
      bytes += unwritten.length;
    }
    this.#backlog = [];
    this.#backlogWritten = 0;
    if (bytes > 0) this.#options.loss.add(reason, lines, bytes, cause);
  }

  flush(): Promise<void> {
    this.batch.drain();
    if (this.#backlog.length === 0) return Promise.resolve();
    const deadline = performance.now() + this.#options.flushTimeoutInMs;
    return new Promise((resolve) => {
      const tryAgain = () => {
        this.#retry();
        if (this.#backlog.length === 0 || this.#failure !== undefined || this.#closed) resolve();
        else if (performance.now() >= deadline) {
          this.#gaveUp = true;
          resolve();
        } else setTimeout(tryAgain, retryPauseInMs);
      };
      tryAgain();
    });
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      await this.flush();
      this.#end();
    }
    await this.#sonicClosed;
  }

  /** Called once at process exit, however it exits (an uncaught error included): no event loop is left. */
  drainAtExit(): void {
    this.batch.drain();
    const deadline = performance.now() + (this.#gaveUp ? 0 : this.#options.flushTimeoutInMs);
    while (this.#backlog.length > 0 && this.#failure === undefined) {
      this.#retry();
      if (this.#backlog.length === 0 || performance.now() >= deadline) break;
      // Only here, at exit, with no request left to serve: a short, bounded pause for a slow reader.
      Atomics.wait(exitPause, 0, 0, retryPauseInMs);
    }
    this.#end();
  }

  #end(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    exitHooks.delete(this);
    this.#countBacklog('full', stoppedCause);
    // Leaves fd 1 open (sonic-boom never closes 1 or 2); a failed sink was destroyed already.
    if (this.#failure === undefined) this.#sonic.destroy();
  }
}

/** sonic-boom is CommonJS with a default export Node's ESM loader cannot name; its types describe the class. */
const SonicBoom = createRequire(import.meta.url)('sonic-boom') as new (
  options: SonicBoomOpts,
) => SonicBoomStream;

const fullCause: LossCause = {
  key: 'full',
  says: 'stdout is not taking log lines as fast as they come (its reader is slow or stalled)',
};
const stoppedCause: LossCause = {
  key: 'stopped',
  says: 'stdout was still full when logging stopped',
  final: true,
};
/** Errors after which stdout never takes anything again. */
const permanentErrors: ReadonlySet<string> = new Set(['EPIPE', 'EBADF', 'ECONNRESET', 'ENOTCONN', 'EINVAL']);
const afterCloseCause: LossCause = { key: 'closed', says: 'log lines came after the logger was closed' };

const exitPause = new Int32Array(new SharedArrayBuffer(4));
const exitHooks = new Set<SinkState>();
let exitListening = false;

/** One `exit` listener serves every sink. */
function ensureExitListener(): void {
  if (exitListening) return;
  exitListening = true;
  process.once('exit', () => {
    for (const sink of exitHooks) sink.drainAtExit();
  });
}
