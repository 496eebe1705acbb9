/**
 * The WAL checkpoint worker's code, run with `new Worker(source, { eval: true })`: as a string, it is the same file
 * under vitest (TypeScript sources) and in the tsup bundle, with no second entry to resolve at run time. Whether
 * Node runs it as a script or a module (`--input-type` is inherited), it loads the driver with `createRequire` by
 * the absolute path, or the built-in by name, that the main thread resolved.
 *
 * workerData: `{ path, driver: { kind, id }, closed: Int32Array over a SharedArrayBuffer }`.
 * Messages in: `'checkpoint'` (answered with `{ type: 'checkpointed', busy, walFrames, checkpointedFrames,
 * durationInMs }`), `'close'` (closes the connection, sets `closed[0]` to 1 and wakes the main thread's
 * `Atomics.wait`). Out: `{ type: 'ready' }` once the connection is open. Any failure throws, which ends the thread.
 */
export const checkpointWorkerSource = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const { performance } = process.getBuiltinModule('node:perf_hooks');
const { path, driver, closed } = workerData;

function open() {
  if (driver.kind === 'libsql') {
    const Database = process.getBuiltinModule('node:module').createRequire(driver.id)(driver.id);
    return new Database(path);
  }
  // Node.js 22 warns once that node:sqlite is experimental; the main thread already chose it knowingly.
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning, ...rest) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (!/\\bSQLite is an experimental feature\\b/.test(text)) emitWarning.call(process, warning, ...rest);
  };
  try {
    return new (process.getBuiltinModule(driver.id).DatabaseSync)(path);
  } finally {
    process.emitWarning = emitWarning;
  }
}

const database = open();
// PASSIVE copies what it can and never waits for the writer or readers: the ledger's commits never wait for it.
const checkpoint = database.prepare('PRAGMA wal_checkpoint(PASSIVE)');
parentPort.postMessage({ type: 'ready' });

parentPort.on('message', (message) => {
  if (message === 'checkpoint') {
    const startedAt = performance.now();
    const row = checkpoint.get();
    parentPort.postMessage({
      type: 'checkpointed',
      busy: Number(row.busy) !== 0,
      walFrames: Number(row.log),
      checkpointedFrames: Number(row.checkpointed),
      durationInMs: performance.now() - startedAt,
    });
  } else if (message === 'close') {
    database.close();
    Atomics.store(closed, 0, 1);
    Atomics.notify(closed, 0);
    parentPort.close();
  }
});
`;
