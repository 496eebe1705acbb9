import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, runOrThrow } from './_run.js';
import { type EngineOptions, niced } from './engine-options.js';
import { freePort } from './free-port.js';

/** A throwaway PostgreSQL cluster on 127.0.0.1, trusting its one role `ccb`. */
export interface PostgresServer {
  /** `postgres://ccb@127.0.0.1:<port>/postgres`; create a database per test from it. */
  readonly url: string;
  readonly port: number;
  /** Stops the server (fast shutdown: open connections are cut); the data stays for `start`. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data, after `stop`. Resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its data directory. Idempotent. */
  destroy(): Promise<void>;
  /**
   * The postmaster's process id while it runs (its backends are its children: a benchmark counts the tree's CPU
   * time), from `postmaster.pid`; undefined when stopped or unreadable.
   */
  pid(): number | undefined;
}

const debianRoot = '/usr/lib/postgresql';

/** The `bin` folder of the newest Debian PostgreSQL (`/usr/lib/postgresql/<major>/bin`), if one is installed. */
export function postgresBinDir(): string | undefined {
  if (!existsSync(debianRoot)) return undefined;
  const majors = readdirSync(debianRoot)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(debianRoot, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] === undefined ? undefined : join(debianRoot, majors[0], 'bin');
}

/**
 * Starts a PostgreSQL cluster in a fresh temp directory: `initdb` (trust auth, role `ccb`), a free loopback port,
 * the unix socket in the temp directory, durability off (a test cluster need not survive a power cut). As root it
 * runs as the `postgres` user (else `nobody`): PostgreSQL refuses to run as root. Resolves once it accepts
 * connections (`pg_ctl -w`).
 * @throws when PostgreSQL is not installed or does not start (the message has its log).
 */
export async function startPostgres(options: EngineOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error(`PostgreSQL is not installed (no ${debianRoot}/<major>/bin/initdb)`);
  const root = mkdtempSync(join(tmpdir(), 'ccb-postgres-'));
  const user = process.getuid?.() === 0 ? await serverUser() : undefined;
  if (user !== undefined) await runOrThrow('chown', [user, root]);
  const dataDir = join(root, 'data');
  const logFile = join(root, 'postgres.log');
  const port = await freePort();
  const serverOptions = [
    `-p ${port}`,
    `-k ${root}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  const pgCtl = join(bin, 'pg_ctl');
  const start = async () => {
    const result = await run(
      ...niced(options.niceness, pgCtl, ['-D', dataDir, '-l', logFile, '-o', serverOptions, '-w', 'start']),
      user,
    );
    if (result.code !== 0) {
      const log = existsSync(logFile) ? (await run('tail', ['-n', '20', logFile])).output : '';
      throw new Error(`PostgreSQL did not start: ${result.output.trim()}\n${log}`);
    }
  };
  const stop = async () => {
    await run(pgCtl, ['-D', dataDir, '-m', 'fast', '-w', 'stop'], user);
  };
  let destroyed = false;
  try {
    await runOrThrow(
      join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'ccb', '-A', 'trust', '-E', 'UTF8', '--no-sync'],
      user,
    );
    await start();
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://ccb@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    pid() {
      try {
        const pid = Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8'), 10);
        return Number.isInteger(pid) && pid > 0 ? pid : undefined;
      } catch {
        return undefined;
      }
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function serverUser(): Promise<string> {
  const result = await run('id', ['-u', 'postgres']);
  return result.code === 0 ? 'postgres' : 'nobody';
}
