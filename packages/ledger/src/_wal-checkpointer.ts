import { Worker } from 'node:worker_threads';
import { checkpointWorkerSource } from './_checkpoint-worker-source.js';
import { causeMessage, LedgerError } from './ledger-error.js';
import type { SqliteDatabase, SqliteDriverModule } from './sqlite-driver.js';

/** One checkpoint the worker ran, as SQLite reported it (`PRAGMA wal_checkpoint(PASSIVE)`). */
export interface WalCheckpoint {
  /** Another connection was checkpointing: nothing was copied this time. */
  readonly busy: boolean;
  /** Frames (pages) in the WAL when it ran. */
  readonly walFrames: number;
  /** Of those, how many are now in the database file; all of them lets the next commit restart the WAL. */
  readonly checkpointedFrames: number;
  /** How long it took, on the worker's thread: no request waited for it. */
  readonly durationInMs: number;
}

/** Options of {@link createWalCheckpointer}; numbers are checked by the caller. */
export interface WalCheckpointerOptions {
  /** The ledger's file. */
  readonly path: string;
  /** The SQLite library by name, loaded again inside the worker. */
  readonly module: SqliteDriverModule;
  /** The ledger's connection: its automatic checkpoints are turned off, and back on if the worker fails. */
  readonly database: SqliteDatabase;
  /** A checkpoint is asked for this often while rows were written since the last one. */
  readonly intervalInMs: number;
  /** …and as soon as this many rows were written since the last one. */
  readonly rowsPerCheckpoint: number;
  readonly onCheckpoint?: (checkpoint: WalCheckpoint) => void;
  /** Receives `CCB_LEDGER_CHECKPOINT_FAILED` when the worker fails. */
  readonly onError: (error: LedgerError) => void;
  /** How long `stop` waits for the worker to close its connection, in ms. Default 2000. */
  readonly stopTimeoutInMs?: number;
}

/** The ledger's side of the checkpoint worker. */
export interface WalCheckpointer {
  /** Counts rows the ledger committed; asks for a checkpoint once `rowsPerCheckpoint` are written. */
  written(rows: number): void;
  /**
   * Ends the worker, blocking until it has closed its connection (at most `stopTimeoutInMs`), then checkpoints the
   * whole WAL from the ledger's connection and truncates it: the file left behind holds every row.
   */
  stop(): void;
  /** Whether SQLite checkpoints inside the ledger's commits again (the worker failed). */
  fellBack(): boolean;
  /** The thread, started on first use (reading this starts it), for tests that end it abruptly. */
  readonly worker: Worker;
  /** Settles when the thread has ended, with its exit code (at once, with 0, when `stop` finds it never started). */
  readonly exited: Promise<number>;
}

/** SQLite's default: a checkpoint inside the commit that takes the WAL past 1 000 pages. */
const defaultAutocheckpointPages = 1000;

/**
 * Moves the ledger's WAL checkpoints to a worker thread with its own connection. SQLite's automatic checkpoint runs
 * inside the commit that takes the WAL past 1 000 pages and held the event loop 11–15 ms (copying pages and two
 * `fsync`s); a PASSIVE checkpoint on another connection copies the same pages without blocking the writer. Each
 * checkpoint that copies every frame lets the ledger's next commit restart the WAL from its start, which keeps the
 * file bounded (by the rows written between checkpoints). If the worker fails or dies, the ledger's connection
 * checkpoints automatically again: short stalls, never an unbounded WAL.
 *
 * The thread starts with the first checkpoint, not with the ledger: a ccb that has written nothing holds no second
 * isolate and SQLite library, and a process that exits early (a failed start, an internal error) never ends a thread
 * that is still loading the library, which some native drivers report with a panic on stderr.
 */
export function createWalCheckpointer(options: WalCheckpointerOptions): WalCheckpointer {
  const { database, onError } = options;
  const closed = new Int32Array(new SharedArrayBuffer(4));
  database.exec('PRAGMA wal_autocheckpoint = 0');
  let worker: Worker | undefined;
  let resolveExited: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    resolveExited = resolve;
  });
  let rowsSinceRequest = 0;
  /** A checkpoint was asked for and not answered yet: asks coalesce into at most one more. */
  let inFlight = false;
  let askAgain = false;
  let stopping = false;
  let fellBack = false;
  let failure: unknown;

  function started(): Worker {
    if (worker !== undefined) return worker;
    const thread = new Worker(checkpointWorkerSource, {
      eval: true,
      workerData: { path: options.path, driver: options.module, closed },
    });
    // The ledger's close ends it; a process that never closes its ledger still exits.
    thread.unref();
    thread.on('message', (message: { type: string } & WalCheckpoint) => {
      if (message.type !== 'checkpointed') return;
      inFlight = false;
      const { busy, walFrames, checkpointedFrames, durationInMs } = message;
      options.onCheckpoint?.({ busy, walFrames, checkpointedFrames, durationInMs });
      if (askAgain) {
        askAgain = false;
        request();
      }
    });
    thread.on('error', (error) => {
      failure = error;
    });
    thread.once('exit', (code) => {
      if (failure !== undefined) fallBack(`failed: ${causeMessage(failure)}`, failure);
      else fallBack(`ended (exit code ${code})`, undefined);
      resolveExited(code);
    });
    worker = thread;
    return thread;
  }

  function request(): void {
    if (stopping || fellBack) return;
    rowsSinceRequest = 0;
    if (inFlight) {
      askAgain = true;
      return;
    }
    inFlight = true;
    started().postMessage('checkpoint');
  }

  const timer = setInterval(() => {
    if (rowsSinceRequest > 0) request();
  }, options.intervalInMs);
  timer.unref();

  function fallBack(reason: string, cause: unknown): void {
    if (stopping || fellBack) return;
    fellBack = true;
    clearInterval(timer);
    try {
      database.exec(`PRAGMA wal_autocheckpoint = ${defaultAutocheckpointPages}`);
    } catch {
      // The connection is closed or broken: the ledger reports that on its next write.
    }
    onError(
      new LedgerError(
        'CCB_LEDGER_CHECKPOINT_FAILED',
        `The WAL checkpoint worker of the ledger at ${options.path} ${reason}; SQLite checkpoints inside the ` +
          "ledger's writes again (a few ms every ~12 600 rows). Restart ccb to move them off the event loop again.",
        { cause },
      ),
    );
  }

  return {
    written(rows) {
      rowsSinceRequest += rows;
      if (rowsSinceRequest >= options.rowsPerCheckpoint) request();
    },
    stop() {
      if (stopping) return;
      clearInterval(timer);
      const running = !fellBack && worker !== undefined;
      stopping = true;
      if (worker === undefined) resolveExited(0);
      else if (running) {
        worker.postMessage('close');
        // Blocks the thread on purpose, once, at shutdown: `close()` is synchronous and must leave a checkpointed
        // file, and a checkpoint fails (busy) while the worker runs one.
        const outcome = Atomics.wait(closed, 0, 0, options.stopTimeoutInMs ?? 2000);
        if (outcome === 'timed-out') void worker.terminate();
      }
      try {
        // libsql does not checkpoint when it closes: without this the last rows would stay in the WAL.
        database.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      } catch {
        // Another process holds the file: the rows are safe in the WAL, and its next opener checkpoints them.
      }
    },
    fellBack: () => fellBack,
    get worker() {
      return started();
    },
    exited,
  };
}
