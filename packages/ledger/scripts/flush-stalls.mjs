// Measures how long the SQLite ledger's background flushes hold the event loop, and its CPU per row.
// Usage, after `pnpm --filter @ccb/ledger build`:
//   node packages/ledger/scripts/flush-stalls.mjs [rowsPerSecond=1300] [seconds=8] [maxRowsPerTransaction]
//   node packages/ledger/scripts/flush-stalls.mjs bulk [rows=20000] [maxRowsPerTransaction]
// A 1 ms timer records rows at the given rate, as finished requests would. Each transaction (BEGIN to COMMIT) is
// timed through a wrapped driver: that is the stall it causes. `monitorEventLoopDelay` gives the loop's view.
// `bulk` records the rows at once and lets background flushes write them (1 000 per flush, the default
// `maxBatchRows`): its CPU per row is the write path's alone. LEDGER_DIST=<dir> measures another build.
// A build with the WAL checkpoint worker reports its checkpoints (on the worker's thread, so not a stall); the largest
// -wal file is sampled every 250 ms.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const dist = process.env.LEDGER_DIST ?? new URL('../dist', import.meta.url).pathname;
const { createLedger, loadSqliteDriver } = await import(pathToFileURL(join(dist, 'index.js')).href);

const bulk = process.argv[2] === 'bulk';
const rowsPerSecond = bulk ? 0 : Number(process.argv[2] ?? 1300);
const seconds = bulk ? 0 : Number(process.argv[3] ?? 8);
const bulkRows = bulk ? Number(process.argv[3] ?? 20_000) : 0;
const maxRowsPerTransaction = process.argv[4] === undefined ? undefined : Number(process.argv[4]);

const transactions = [];
/** When each transaction began, to tell whether a slow one overlapped a worker checkpoint. */
const transactionStarts = [];
/** CPU time of each transaction: its wall time minus this is time spent waiting (disk, or another process's turn). */
const transactionCpu = [];
function timedDriver() {
  const driver = loadSqliteDriver();
  return {
    name: driver.name,
    // Named, so that a build with the checkpoint worker runs it, as the default driver would.
    ...(driver.module === undefined ? {} : { module: driver.module }),
    open(path) {
      const database = driver.open(path);
      let begunAt = 0;
      let cpuAtBegin;
      return {
        exec(sql) {
          if (sql === 'BEGIN') {
            begunAt = performance.now();
            cpuAtBegin = process.cpuUsage();
          }
          database.exec(sql);
          if (sql === 'COMMIT') {
            transactions.push(performance.now() - begunAt);
            transactionStarts.push(begunAt);
            const cpu = process.cpuUsage(cpuAtBegin);
            transactionCpu.push((cpu.user + cpu.system) / 1000);
          }
        },
        prepare: (sql) => database.prepare(sql),
        close: () => database.close(),
      };
    },
  };
}

let sequence = 0;
function row() {
  sequence += 1;
  return {
    time: Date.now(),
    requestId: `req_01HZX${String(sequence).padStart(12, '0')}`,
    clientKeyId: 'a1b2c3d4e5f6',
    sessionId: '5f0c1e9a-2b7d-4c1e-9a3f-0d2e4b6c8a1f',
    provider: 'anthropic',
    modelRequested: 'claude-sonnet-4-6',
    modelSent: 'claude-sonnet-4-6',
    status: 200,
    attempts: 1,
    inputTokens: 52_000,
    outputTokens: 850,
    cacheCreationInputTokens: 1200,
    cacheReadInputTokens: 48_000,
    costUsd: 0.031_42,
    durationInMs: 2400,
    timeToFirstByteInMs: 410,
    stream: sequence % 2 === 0,
  };
}

function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

const directory = mkdtempSync(join(tmpdir(), 'ccb-flush-stalls-'));
const checkpoints = [];
let largestWalInBytes = 0;
const walSampler = setInterval(() => {
  try {
    largestWalInBytes = Math.max(largestWalInBytes, statSync(join(directory, 'ledger.db-wal')).size);
  } catch {
    // No WAL yet.
  }
}, 250);
const ledger = createLedger({
  path: join(directory, 'ledger.db'),
  loadDriver: timedDriver,
  // The answer arrives after the checkpoint ended: it ran (at most) during the `durationInMs` before.
  onWalCheckpoint: (checkpoint) => checkpoints.push({ ...checkpoint, endedAt: performance.now() }),
  onError: (error) => console.error(error),
  ...(maxRowsPerTransaction === undefined ? {} : { maxRowsPerTransaction }),
});
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
const cpuBefore = process.cpuUsage();
const startedAt = performance.now();
loopDelay.enable();
let owed = 0;
if (bulk) {
  // 1 000 rows per turn, as a burst of finished requests would arrive; then turns until everything is written.
  for (let turn = 0; sequence < bulkRows || ledger.stats().pendingRows > 0; turn++) {
    for (let index = 0; index < 1000 && sequence < bulkRows; index++) ledger.record(row());
    await new Promise((resolve) => setImmediate(resolve));
    if (turn > 1_000_000) throw new Error('the ledger never finished writing');
  }
}
await new Promise((resolve) => {
  if (bulk) {
    resolve();
    return;
  }
  const recorder = setInterval(() => {
    const elapsedInMs = performance.now() - startedAt;
    const due = Math.floor((elapsedInMs / 1000) * rowsPerSecond);
    owed = due - sequence;
    for (; owed > 0; owed--) ledger.record(row());
    if (elapsedInMs >= seconds * 1000) {
      clearInterval(recorder);
      resolve();
    }
  }, 1);
});
// Let the last background flush finish on its own before the totals.
if (!bulk) await new Promise((resolve) => setTimeout(resolve, 1100));
loopDelay.disable();
clearInterval(walSampler);
const cpu = process.cpuUsage(cpuBefore);
const written = ledger.stats().writtenRows;
ledger.close();
rmSync(directory, { recursive: true, force: true });

/** Transactions over 5 ms of wall time, and how many of them overlapped a worker checkpoint. */
const slow = transactions
  .map((each, index) => [transactionStarts[index], each])
  .filter(([, each]) => each > 5);
const slowDuringCheckpoint = slow.filter(([start, each]) =>
  checkpoints.some(
    (checkpoint) => start < checkpoint.endedAt && start + each > checkpoint.endedAt - checkpoint.durationInMs,
  ),
).length;
const inTransactions = transactions.reduce((sum, each) => sum + each, 0);
const ms = (value) => value.toFixed(2);
console.log(
  JSON.stringify({
    ...(bulk ? { bulk: true } : { rowsPerSecond, seconds }),
    maxRowsPerTransaction: maxRowsPerTransaction ?? 'default',
    rows: sequence,
    written,
    transactions: transactions.length,
    transactionMs: {
      p50: ms(percentile(transactions, 0.5)),
      p90: ms(percentile(transactions, 0.9)),
      longest: [...transactions]
        .sort((a, b) => b - a)
        .slice(0, 4)
        .map(ms),
      longestAt: transactions.indexOf(Math.max(...transactions)),
    },
    transactionCpuMs: {
      p50: ms(percentile(transactionCpu, 0.5)),
      longest: [...transactionCpu]
        .sort((a, b) => b - a)
        .slice(0, 4)
        .map(ms),
    },
    transactionUsPerRow: ((inTransactions * 1000) / sequence).toFixed(1),
    cpuUsPerRow: ((cpu.user + cpu.system) / sequence).toFixed(1),
    largestWalInBytes,
    workerCheckpoints: {
      count: checkpoints.length,
      frames: checkpoints.reduce((sum, each) => sum + each.checkpointedFrames, 0),
      longestMs: ms(Math.max(0, ...checkpoints.map((each) => each.durationInMs))),
    },
    transactionsOver5Ms: { count: slow.length, duringWorkerCheckpoint: slowDuringCheckpoint },
    loopDelayMs: {
      p99: ms(loopDelay.percentile(99) / 1e6),
      max: ms(loopDelay.max / 1e6),
    },
  }),
);
