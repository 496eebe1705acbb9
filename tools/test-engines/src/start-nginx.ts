import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, runOrThrow } from './_run.js';
import { enginesRequired } from './engines-required.js';
import { freePort } from './free-port.js';
import { nginxConfig } from './nginx-config.js';

/** The Debian package's binary. */
export const nginxBinary = '/usr/sbin/nginx';

/** A throwaway nginx in front of ccb instances. */
export interface NginxServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The configuration it runs, as `docs/deploy.md` shows it. */
  readonly config: string;
  /** Stops nginx and removes its temp directory. Idempotent. */
  stop(): Promise<void>;
}

/** Why nginx tests cannot run here, as the one line a skipped suite prints; `undefined` when they can. */
export function nginxSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return existsSync(nginxBinary) || enginesRequired(env)
    ? undefined
    : `install nginx (apt-get install nginx-light, ${nginxBinary}) to run the tests behind nginx`;
}

/**
 * Starts nginx with {@link nginxConfig} on a free loopback port in front of `upstreams` (`host:port` each). nginx
 * daemonises after binding its port, so the returned server accepts connections at once.
 */
export async function startNginx(upstreams: readonly string[]): Promise<NginxServer> {
  const prefix = mkdtempSync(join(tmpdir(), 'ccb-nginx-'));
  const port = await freePort();
  const config = nginxConfig({ listen: `127.0.0.1:${port}`, upstreams, prefix });
  const configFile = join(prefix, 'nginx.conf');
  writeFileSync(configFile, config);
  try {
    await runOrThrow(nginxBinary, ['-p', prefix, '-c', configFile]);
  } catch (error) {
    rmSync(prefix, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    config,
    async stop() {
      if (stopped) return;
      stopped = true;
      const pidFile = join(prefix, 'nginx.pid');
      if (existsSync(pidFile)) {
        // Read before stopping: nginx removes the file as it exits. `-s stop` returns at once; the master exits
        // once its workers have, and the directory is removed only then.
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        await run(nginxBinary, ['-p', prefix, '-c', configFile, '-s', 'stop']);
        await waitForExit(pid);
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/** Waits (bounded, 5 s) for a process that is not our child to exit: `kill -0` until it fails. */
async function waitForExit(pid: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
