import { afterEach, describe, expect, it } from 'vitest';
import { BenchError } from '../src/bench-error.js';
import { createProcessRegistry } from '../src/process-registry.js';
import { spawnServer } from '../src/spawn-server.js';

const registry = createProcessRegistry();

afterEach(async () => {
  await registry.stopAll(500);
});

/** `node -e <script>` arguments. */
function inline(script: string): string[] {
  return ['-e', script];
}

const server = `
const http = require('node:http');
const server = http.createServer((request, response) => response.end('ok'));
server.listen(0, '127.0.0.1', () => {
  console.log('noise before the announcement');
  console.log(JSON.stringify({ msg: 'test listening on http://127.0.0.1:' + server.address().port }));
});
`;

describe('spawnServer', () => {
  it('resolves with the announced URL of a server that really listens there', async () => {
    const started = await spawnServer({ name: 'test', nodeArgs: inline(server), registry });
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(JSON.parse(started.readyLine).msg).toContain(started.url);
    const response = await fetch(started.url);
    expect(await response.text()).toBe('ok');
    await started.stop();
    expect(() => started.assertRunning()).toThrow(/died during the benchmark/);
    expect(registry.size).toBe(0);
  });

  it('fails with the output tail when the process exits before announcing itself', async () => {
    const failing = spawnServer({
      name: 'broken',
      nodeArgs: inline("console.error('config is invalid: port'); process.exit(3)"),
      registry,
    });
    const error = await failing.catch((caught: unknown) => caught);
    expect(BenchError.is(error) && error.code).toBe('CCB_BENCH_TARGET_START_FAILED');
    expect((error as Error).message).toMatch(/broken did not start: it exited \(exit code 3\)/);
    expect((error as Error).message).toContain('config is invalid: port');
  });

  it('fails and stops the process when no announcement comes in time', async () => {
    const silent = spawnServer({
      name: 'silent',
      nodeArgs: inline('setInterval(() => {}, 1000)'),
      registry,
      startTimeoutInMs: 200,
    });
    await expect(silent).rejects.toThrow(/silent did not start: no "listening on/);
    await registry.stopAll(500);
    expect(registry.size).toBe(0);
  });
});
