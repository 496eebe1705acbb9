import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { allowedCpus, parseCpuList, pinLoadSide, planCpuPinning } from '../src/cpu-pinning.js';
import { createProcessRegistry } from '../src/process-registry.js';
import { spawnServer } from '../src/spawn-server.js';

const registry = createProcessRegistry();

afterEach(async () => {
  await registry.stopAll(500);
});

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Linux with util-linux (CI's Debian) and two or more CPUs allowed: the kernel's own view of each thread's mask.
const canPin = process.platform === 'linux' && allowedCpus().length >= 2 && hasTaskset();

/** The CPUs each thread of `pid` may run on, as id lists. */
function threadCpus(pid: number): number[][] {
  return readdirSync(`/proc/${pid}/task`).map((thread) => allowedCpus(`/proc/${pid}/task/${thread}/status`));
}

const server = `
const http = require('node:http');
const server = http.createServer((request, response) => response.end('ok'));
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
`;

describe.runIf(canPin)('pinning (taskset)', () => {
  it('runs a pinned server, with its IPC channel, on the target CPUs only and with its own pid', async () => {
    const pinning = planCpuPinning(allowedCpus());
    const started = await spawnServer({
      name: 'pinned',
      nodeArgs: ['-e', server],
      registry,
      ipc: true,
      pinning,
    });
    // taskset execs node in place: the pid the bench measures and stops is the server's own.
    expect(readFileSync(`/proc/${started.pid}/cmdline`, 'utf8').split('\0')[0]).toBe(process.execPath);
    const threads = threadCpus(started.pid);
    expect(threads.length).toBeGreaterThan(1);
    for (const cpus of threads) expect(cpus).toEqual(parseCpuList(pinning?.target ?? ''));
    expect(await (await fetch(started.url)).text()).toBe('ok');
  });

  it('pins every thread of a process to the load side, and a child it starts afterwards inherits that', async () => {
    // The child starts a grandchild only when told to, after it was pinned, and prints the grandchild's pid.
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `process.stdin.once('data', () => {
           const child = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
           console.log(child.pid);
           process.on('exit', () => child.kill());
         });
         console.log('up');`,
      ],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    registry.add(parent);
    parent.stdout.setEncoding('utf8');
    // Node has started its platform threads once it runs the script.
    await once(parent.stdout, 'data');
    const pid = parent.pid as number;
    const outcome = pinLoadSide(pid);
    const pinning = planCpuPinning(allowedCpus());
    expect(outcome).toEqual({ pinned: true, pinning });
    const load = parseCpuList(pinning?.load ?? '');
    for (const cpus of threadCpus(pid)) expect(cpus).toEqual(load);
    parent.stdin.write('go\n');
    const [line] = (await once(parent.stdout, 'data')) as [string];
    const grandchild = Number(line.trim());
    expect(threadCpus(grandchild)[0]).toEqual(load);
    process.kill(grandchild);
  });

  it('goes unpinned, with the reason, when taskset refuses or there is one CPU', async () => {
    const gone = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await once(gone, 'exit');
    const refused = pinLoadSide(gone.pid as number);
    expect(refused.pinned).toBe(false);
    expect(!refused.pinned && refused.reason).toMatch(/^taskset: /);
    expect(pinLoadSide(process.pid, [0])).toEqual({
      pinned: false,
      reason: '1 CPU(s) allowed, two or more needed',
    });
  });
});
