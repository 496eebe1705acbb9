import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's server binary; tests start their own on loopback. */
export const redisServerPath = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

/** Whether `redis-server` can be started here. */
export const canStartRedis: boolean = (() => {
  try {
    accessSync(redisServerPath, constants.X_OK);
    return true;
  } catch {
    return false;
  }
})();

/** A Redis the tests may use: one started by the test, or `REDIS_URL`'s. */
export const hasRedis: boolean = canStartRedis || (process.env.REDIS_URL ?? '') !== '';

/** The one line a suite prints when it is skipped. */
export const noRedisReason = `skipped: no redis-server at ${redisServerPath} and REDIS_URL not set (set REDIS_URL=redis://… to run the shared-state tests)`;

/** A Redis server for one test, with a key prefix of its own. */
export interface TestRedis {
  readonly url: string;
  /** A fresh `ccb-test-<uuid>:` prefix, so that tests sharing one server never see each other's keys. */
  readonly keyPrefix: string;
  /** Whether this test started the server (and so can kill and restart it). */
  readonly owned: boolean;
  /** SIGKILL: the server vanishes without closing connections cleanly. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty (no persistence). */
  restart(): Promise<void>;
  /** Stops it for good and removes its folder (for `REDIS_URL`: nothing). */
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` on a free loopback port with a temporary folder and no persistence, or, without the
 * binary, uses `REDIS_URL`. `mustOwn` insists on a server this test can kill. Waits (at most 10 s) for
 * "Ready to accept connections".
 */
export async function startTestRedis(options: { mustOwn?: boolean } = {}): Promise<TestRedis> {
  const keyPrefix = `ccb-test-${randomUUID()}:`;
  const external = process.env.REDIS_URL ?? '';
  if (!canStartRedis || (external !== '' && options.mustOwn !== true)) {
    if (external === '') throw new Error(noRedisReason);
    if (options.mustOwn === true)
      throw new Error('this test kills its Redis: it needs redis-server installed');
    return { url: external, keyPrefix, owned: false, kill: noop, restart: noop, stop: noop };
  }
  const dir = await mkdtemp(join(tmpdir(), 'ccb-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(port, dir);
  async function end(signal: NodeJS.Signals): Promise<void> {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill(signal);
    await exited;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    keyPrefix,
    owned: true,
    kill: () => end('SIGKILL'),
    async restart() {
      await end('SIGKILL');
      child = await launch(port, dir);
    },
    async stop() {
      await end('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function noop(): Promise<void> {}

/** Port 0 on loopback, closed again: the OS's choice of a free port. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function launch(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    redisServerPath,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within 10 s: ${output}`));
    }, 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${String(code)}: ${output}`));
    });
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}
