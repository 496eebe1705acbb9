import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type EngineOptions, niced } from './engine-options.js';
import { enginesRequired } from './engines-required.js';
import { freePort } from './free-port.js';

/** The Debian package's binary. */
export const redisBinary = '/usr/bin/redis-server';

/** A throwaway redis-server on 127.0.0.1, without persistence. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Kills the server (SIGKILL, as a crash); `start` brings an empty one back on the same port. */
  stop(): Promise<void>;
  /** Starts it again on the same port, after `stop`. Resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its directory. Idempotent. */
  destroy(): Promise<void>;
  /** The server's process id while it runs (a benchmark counts its CPU time); undefined when stopped. */
  pid(): number | undefined;
}

/** Why Redis tests cannot run here, as the one line a skipped suite prints; `undefined` when they can. */
export function redisSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.REDIS_URL || enginesRequired(env)) return undefined;
  return existsSync(redisBinary)
    ? undefined
    : 'set REDIS_URL (redis://…) or install redis-server (apt-get install redis-server) to run the Redis tests';
}

/**
 * Starts redis-server in the foreground on a free loopback port (no RDB, no AOF) and resolves when it logs that it
 * accepts connections: an event, not a poll.
 * @throws when redis-server is not installed or exits before it is ready (the message has its output).
 */
export async function startRedis(options: EngineOptions = {}): Promise<RedisServer> {
  if (!existsSync(redisBinary)) throw new Error(`redis-server is not installed (${redisBinary})`);
  const directory = mkdtempSync(join(tmpdir(), 'ccb-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async () => {
    const started = spawn(
      ...niced(options.niceness, redisBinary, [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        directory,
      ]),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`redis-server exited with ${code} before it was ready: ${output.trim()}`));
      started.once('exit', onExit);
      started.once('error', reject);
      createInterface({ input: started.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        output += `${line}\n`;
        if (line.includes('Ready to accept connections')) {
          started.off('exit', onExit);
          resolve();
        }
      });
    });
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    running.kill('SIGKILL');
    await once(running, 'exit');
  };
  try {
    await start();
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  let destroyed = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    pid: () => child?.pid,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
