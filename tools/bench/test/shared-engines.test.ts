import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { postgresBinDir } from '@ccb/test-engines';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessRegistry } from '../src/process-registry.js';
import { resolveCliPath } from '../src/resolve-cli-path.js';
import { type SharedEngines, sharedEnginesSkipReason, startSharedEngines } from '../src/shared-engines.js';
import { type BenchEnvironment, startTargets, stopTargets } from '../src/start-targets.js';

const skip = sharedEnginesSkipReason();
if (skip !== undefined) console.warn(skip);

/** Whether something accepts TCP connections at `host:port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// Real engines and a real ccb: a few seconds (initdb), so one test covers the whole path.
describe.skipIf(skip !== undefined)('ccb-shared on real engines', () => {
  const registry = createProcessRegistry();
  let engines: SharedEngines;
  let workDir: string;

  beforeAll(async () => {
    engines = await startSharedEngines();
    workDir = await mkdtemp(join(tmpdir(), 'ccb-bench-test-'));
  }, 60_000);

  afterAll(async () => {
    await registry.stopAll(500);
    await engines?.stop();
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  it('starts ccb with its state in Redis and its ledger in Postgres, and stops the engines it started', async () => {
    const environment: BenchEnvironment = {
      registry,
      mockUrls: { paced: 'http://127.0.0.1:1', fast: 'http://127.0.0.1:1', bulk: 'http://127.0.0.1:1' },
      cliPath: resolveCliPath(),
      nodePipePath: '',
      workDir,
      loopProbePath: undefined,
      upstreamProbe: undefined,
      cpuProfileDir: undefined,
      signal: new AbortController().signal,
      sharedEngines: engines,
    };
    const targets = await startTargets(environment, {
      label: 'test',
      targets: ['ccb-shared'],
      upstreamUrl: 'http://127.0.0.1:1',
    });
    try {
      const readiness = (await (await fetch(`${targets[0]?.url}/readyz`)).json()) as {
        state_store?: { store: string; up: boolean };
      };
      expect(readiness.state_store).toMatchObject({ store: 'redis', up: true });
      // ccb prepares the ledger's tables (schema ccb) at start: the database the bench created now has them.
      const psql = join(postgresBinDir() ?? '/usr/bin', 'psql');
      const { stdout } = await promisify(execFile)(psql, [
        engines.databaseUrl,
        '-Atc',
        "select count(*) from information_schema.tables where table_schema = 'ccb'",
      ]);
      expect(Number(stdout.trim())).toBeGreaterThan(0);
    } finally {
      await stopTargets(targets);
    }
    const redisPort = Number(new URL(engines.redisUrl).port);
    const postgresPort = Number(new URL(engines.databaseUrl).port);
    await engines.stop();
    if (!process.env.REDIS_URL) expect(await accepts(redisPort)).toBe(false);
    if (!process.env.DATABASE_URL) expect(await accepts(postgresPort)).toBe(false);
  }, 60_000);
});
