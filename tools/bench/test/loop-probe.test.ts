import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createProcessRegistry } from '../src/process-registry.js';
import { spawnServer } from '../src/spawn-server.js';

// The probe runs as the built preload, as the bench passes it (`pnpm build` first; turbo's test task does).
const loopProbePath = fileURLToPath(new URL('../dist/loop-probe.js', import.meta.url));
const registry = createProcessRegistry();

afterEach(async () => {
  await registry.stopAll(500);
});

// `/block?ms=N` keeps the event loop busy for N ms; `/gc` runs a full collection. On SIGTERM the server closes and
// the process ends on its own, unless something (an IPC channel) keeps it alive.
const server = `
const http = require('node:http');
const server = http.createServer((request, response) => {
  const url = new URL(request.url, 'http://x');
  if (url.pathname === '/block') { const end = Date.now() + Number(url.searchParams.get('ms')); while (Date.now() < end); }
  if (url.pathname === '/gc') globalThis.gc();
  response.end('ok');
});
server.listen(0, '127.0.0.1', () => console.log('probed listening on http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => { server.close(); server.closeAllConnections(); });
`;

describe('loop probe', () => {
  it('sees a blocked event loop and a full GC in the window, and forgets them at the next reset', async () => {
    expect(existsSync(loopProbePath), 'run pnpm build first').toBe(true);
    const started = await spawnServer({
      name: 'probed',
      nodeArgs: ['--expose-gc', '-e', server],
      registry,
      loopProbePath,
    });
    const probe = started.loopProbe;
    if (probe === undefined) throw new Error('spawnServer should give a loop probe client');
    probe.reset();
    await (await fetch(`${started.url}/block?ms=80`)).text();
    await (await fetch(`${started.url}/gc`)).text();
    // Let the GC entry reach the observer (it is delivered on a later tick) before reading.
    await new Promise((resolve) => setImmediate(resolve));
    const figures = await probe.read();
    expect(figures?.delay.maxInMs).toBeGreaterThanOrEqual(50);
    expect(figures?.utilization).toBeGreaterThan(0);
    expect(figures?.gc.count).toBeGreaterThanOrEqual(1);
    expect(figures?.gcByKind.major?.count).toBeGreaterThanOrEqual(1);
    probe.reset();
    const calm = await probe.read();
    expect(calm?.delay.maxInMs).toBeLessThan(50);
    expect(calm?.gc.count).toBe(0);
    expect(calm?.windowInMs).toBeLessThan(figures?.windowInMs ?? 0);
  });

  it('does not keep a process alive that would exit on its own', async () => {
    const started = await spawnServer({ name: 'probed', nodeArgs: ['-e', server], registry, loopProbePath });
    const stoppedAt = performance.now();
    await started.stop();
    // stop() sends SIGKILL only after 3 s; a process held by the channel would take that long.
    expect(performance.now() - stoppedAt).toBeLessThan(2500);
  });

  it('gives no probe client to a process started without the probe', async () => {
    const started = await spawnServer({ name: 'plain', nodeArgs: ['-e', server], registry, ipc: true });
    expect(started.loopProbe).toBeUndefined();
  });
});
