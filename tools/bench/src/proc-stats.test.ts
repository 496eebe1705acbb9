import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { readCpuTimeInMs, readMainThreadCpuTimeInMs, readProcessTreeCpuTimeInMs } from './proc-stats.js';

// A child that burns CPU for a moment, says so, and waits to be killed.
const childSource = `
let x = 0;
const end = Date.now() + 400;
while (Date.now() < end) x += Math.sqrt(x + 1);
process.stdout.write('burned ' + x + '\\n');
setInterval(() => {}, 1000);
`;

// A parent that starts the child and, once it has burned, prints both pids.
const parentSource = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', process.env.CHILD_SOURCE], { stdio: ['ignore', 'pipe', 'inherit'] });
child.stdout.once('data', () => process.stdout.write(process.pid + ' ' + child.pid + '\\n'));
setInterval(() => {}, 1000);
`;

describe.skipIf(!existsSync('/proc/self/stat'))('readProcessTreeCpuTimeInMs', () => {
  it("counts a process's descendants, which its own CPU time leaves out", async () => {
    const parent = spawn(process.execPath, ['-e', parentSource], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CHILD_SOURCE: childSource },
    });
    let childPid: number | undefined;
    const lines = createInterface({ input: parent.stdout });
    try {
      const [line] = (await Promise.race([
        once(lines, 'line'),
        once(parent, 'exit').then(() => {
          throw new Error('the parent process exited');
        }),
      ])) as [string];
      const [parentPid, burnerPid] = line.split(' ').map(Number) as [number, number];
      childPid = burnerPid;
      const own = readCpuTimeInMs(parentPid) as number;
      const child = readCpuTimeInMs(burnerPid) as number;
      const tree = readProcessTreeCpuTimeInMs(parentPid) as number;
      // The child burned ~400 ms: far more than one clock tick, so a tree without it would fall short.
      expect(child).toBeGreaterThan(0);
      expect(tree).toBeGreaterThanOrEqual(own + child);
      expect(readProcessTreeCpuTimeInMs(2 ** 22 + 1)).toBeUndefined();
    } finally {
      if (childPid !== undefined) process.kill(childPid, 'SIGKILL');
      parent.kill('SIGKILL');
      lines.close();
    }
  }, 20_000);
});

// A worker thread that burns 400 ms of CPU (not of wall time: a busy machine may give it less), then says so.
// process.cpuUsage() is the whole process's, and the main thread idles meanwhile: this is the worker's.
const workerSource = [
  'const start = process.cpuUsage(); let x = 0;',
  'while (process.cpuUsage(start).user < 400000) for (let i = 0; i < 10000; i++) x += Math.sqrt(x + 1);',
  "require('node:worker_threads').parentPort.postMessage(x);",
].join('\n');

// A process that runs that worker, says when it is done, and waits to be killed.
const workerBurnerSource = `
const { Worker } = require('node:worker_threads');
const worker = new Worker(${JSON.stringify(workerSource)}, { eval: true });
worker.once('message', () => process.stdout.write('burned\\n'));
setInterval(() => {}, 1000);
`;

describe.skipIf(!existsSync('/proc/self/task'))('readMainThreadCpuTimeInMs', () => {
  it("counts the main thread alone, which the process's CPU time includes with its other threads", async () => {
    const burner = spawn(process.execPath, ['-e', workerBurnerSource], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: burner.stdout });
    try {
      await Promise.race([
        once(lines, 'line'),
        once(burner, 'exit').then(() => {
          throw new Error('the burner exited');
        }),
      ]);
      const pid = burner.pid as number;
      const all = readCpuTimeInMs(pid) as number;
      const main = readMainThreadCpuTimeInMs(pid) as number;
      expect(main).toBeGreaterThan(0);
      // The worker burned 400 ms on its own thread: the process's total holds it, the main thread's does not.
      expect(all - main).toBeGreaterThanOrEqual(300);
      expect(readMainThreadCpuTimeInMs(2 ** 22 + 1)).toBeUndefined();
    } finally {
      burner.kill('SIGKILL');
      lines.close();
    }
  }, 20_000);
});
