import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type MockUpstream, startMockUpstreams } from '@ccb/mock-upstream';
import { createTestDatabase, postgresBinDir, redisBinary } from '@ccb/test-engines';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProcessTreeCpuTimeInMs } from '../src/proc-stats.js';
import { createProcessRegistry } from '../src/process-registry.js';
import { createBenchRequest } from '../src/request-bodies.js';
import { resolveCliPath } from '../src/resolve-cli-path.js';
import { type SharedEngines, sharedEnginesSkipReason, startSharedEngines } from '../src/shared-engines.js';
import { type BenchEnvironment, startTargets, stopTargets } from '../src/start-targets.js';

// Engines of its own where they are installed, even when REDIS_URL and DATABASE_URL are set (CI): the counts below must
// not see other suites' traffic. A shared Redis skips the command count; a shared PostgreSQL gets a database of its own.
const env: NodeJS.ProcessEnv = { ...process.env };
if (existsSync(redisBinary)) delete env.REDIS_URL;
if (postgresBinDir() !== undefined) delete env.DATABASE_URL;
const skip = sharedEnginesSkipReason(env);
if (skip !== undefined) console.warn(skip);

const run = promisify(execFile);

/** Commands Redis has processed since it started (`INFO stats`). */
async function redisCommands(url: string): Promise<number> {
  const { stdout } = await run('redis-cli', ['-u', url, 'INFO', 'stats']);
  return Number(/total_commands_processed:(\d+)/.exec(stdout)?.[1]);
}

/** One value from the ledger's database, with Debian's psql. */
async function queryOne(url: string, sql: string): Promise<number> {
  const { stdout } = await run(join(postgresBinDir() ?? '/usr/bin', 'psql'), [url, '-Atc', sql]);
  return Number(stdout.trim());
}

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
    if (env.DATABASE_URL) env.DATABASE_URL = await createTestDatabase(env.DATABASE_URL, 'ccb_bench_test');
    engines = await startSharedEngines(env);
    workDir = await mkdtemp(join(tmpdir(), 'ccb-bench-test-'));
  }, 60_000);

  afterAll(async () => {
    await registry.stopAll(500);
    await engines?.stop();
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  it('serves through Redis state and a Postgres ledger with no round trip per request, and stops the engines it started', async () => {
    const [mock] = (await startMockUpstreams([{ name: 'mock', lean: true }])) as [MockUpstream];
    const environment: BenchEnvironment = {
      registry,
      mockUrls: { paced: mock.url, fast: mock.url, bulk: mock.url, bedrock: mock.url },
      cliPath: resolveCliPath(),
      nodePipePath: '',
      workDir,
      loopProbePath: undefined,
      upstreamProbe: undefined,
      cpuProfileDir: undefined,
      pinning: undefined,
      signal: new AbortController().signal,
      sharedEngines: engines,
    };
    const requests = 300;
    let commandsDuringLoad: number;
    try {
      const targets = await startTargets(environment, {
        label: 'test',
        targets: ['ccb-shared'],
        upstreamUrl: mock.url,
      });
      try {
        const url = targets[0]?.url as string;
        // The store connects in the background after the listening line: wait (bounded) until ccb says it is up.
        const readStore = async () =>
          ((await (await fetch(`${url}/readyz`)).json()) as { state_store?: { store: string; up: boolean } })
            .state_store;
        let store = await readStore();
        for (const deadline = Date.now() + 10_000; store?.up !== true && Date.now() < deadline; ) {
          await new Promise((resolve) => setTimeout(resolve, 25));
          store = await readStore();
        }
        expect(store).toMatchObject({ store: 'redis', up: true });
        const before = await redisCommands(engines.redisUrl);
        const benchRequest = createBenchRequest('small');
        // 10 connections, 30 requests each.
        await Promise.all(
          Array.from({ length: 10 }, async () => {
            for (let index = 0; index < requests / 10; index++) {
              const response = await request(`${url}${benchRequest.path}`, {
                method: 'POST',
                headers: benchRequest.headers,
                body: benchRequest.body,
              });
              expect(response.statusCode).toBe(200);
              await response.body.dump();
            }
          }),
        );
        // One INFO call is counted too. A round trip per request would be 300 or more.
        commandsDuringLoad = (await redisCommands(engines.redisUrl)) - before;
      } finally {
        // ccb writes its queued ledger rows before it exits.
        await stopTargets(targets);
      }
    } finally {
      await mock.close();
    }
    if (!env.REDIS_URL) expect(commandsDuringLoad).toBeLessThan(requests / 10);
    // Every request's row reached Postgres (schema ccb).
    expect(await queryOne(engines.databaseUrl, 'select count(*) from ccb.requests')).toBe(requests);
    // The engines it started are counted by pid (their CPU is reported beside ccb-shared's); none from the variables.
    const started = (env.REDIS_URL ? 0 : 1) + (env.DATABASE_URL ? 0 : 1);
    expect(engines.pids()).toHaveLength(started);
    const engineCpuInMs = engines.pids().map((pid) => readProcessTreeCpuTimeInMs(pid) as number);
    // PostgreSQL's tree (its exited backends included) did real work: 300 rows and a database created.
    if (!env.DATABASE_URL) expect(Math.max(...engineCpuInMs)).toBeGreaterThan(0);
    const redisPort = Number(new URL(engines.redisUrl).port);
    const postgresPort = Number(new URL(engines.databaseUrl).port);
    await engines.stop();
    if (!env.REDIS_URL) expect(await accepts(redisPort)).toBe(false);
    if (!env.DATABASE_URL) expect(await accepts(postgresPort)).toBe(false);
    expect(engines.pids()).toEqual([]);
  }, 60_000);
});
