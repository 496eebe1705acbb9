import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BenchError } from './bench-error.js';
import {
  type CcbBenchConfigOptions,
  type CcbVariant,
  ccbBenchConfig,
  type ProviderLayout,
} from './ccb-bench-config.js';
import type { CpuPinning } from './cpu-pinning.js';
import type { LoopProbeClient } from './loop-probe-client.js';
import type { ProcessRegistry } from './process-registry.js';
import type { TargetId } from './scenarios.js';
import type { SharedEngines } from './shared-engines.js';
import { type ServerProcess, spawnServer } from './spawn-server.js';

/** What every scenario needs from the run: where things are and who owns the child processes. */
export interface BenchEnvironment {
  readonly registry: ProcessRegistry;
  /**
   * Base URLs of the mock process: `paced` streams 20 events 20 ms apart, `fast` without pauses, `bulk` like `paced`
   * but keeping only the first 4 KiB of each body (the Claude Code scenarios' large bodies), `bedrock` like `paced`
   * behind Bedrock's InvokeModel routes (the Bedrock targets' upstream).
   */
  readonly mockUrls: {
    readonly paced: string;
    readonly fast: string;
    readonly bulk: string;
    readonly bedrock: string;
  };
  /** The `ccb` script (`@ccb/cli`'s bin). */
  readonly cliPath: string;
  /** The bench's built `node-pipe.js`. */
  readonly nodePipePath: string;
  /** A private temporary folder for ccb configs. */
  readonly workDir: string;
  /** The built loop probe, preloaded into node-pipe and ccb (event-loop delay and GC per window). */
  readonly loopProbePath: string | undefined;
  /** The mock process's loop probe: the upstream's own figures during each target's window. */
  readonly upstreamProbe: LoopProbeClient | undefined;
  /** When set, ccb runs under `--cpu-prof` and writes one `.cpuprofile` per scenario here. */
  readonly cpuProfileDir: string | undefined;
  /** Aborted on Ctrl-C: loads stop and the run unwinds. */
  readonly signal: AbortSignal;
  /** The CPUs node-pipe and ccb run on, apart from the load side's; undefined: unpinned (no `--pin`, or no taskset). */
  readonly pinning: CpuPinning | undefined;
  /** The Redis and PostgreSQL of the `ccb-shared` target; undefined when it is not measured. */
  readonly sharedEngines?: SharedEngines | undefined;
}

/** A target ready to take load; `process` is undefined for `direct`. */
export interface RunningTarget {
  readonly id: TargetId;
  readonly url: string;
  readonly process: ServerProcess | undefined;
}

/** Options of {@link startTargets}. */
export interface StartTargetsOptions {
  /** Names the ccb config and profile files. */
  readonly label: string;
  readonly targets: readonly TargetId[];
  /** The mock every target forwards to. */
  readonly upstreamUrl: string;
  /** Gives ccb a first provider that refuses connections. Default false. */
  readonly withRefusingProvider?: boolean;
  /** Gives ccb two providers on the mock with session affinity on. Default false. */
  readonly withAffinity?: boolean;
}

/** A loopback port that refuses connections: bound to learn a free number, then released. */
export function reserveRefusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function writeCcbConfig(path: string, options: CcbBenchConfigOptions): Promise<void> {
  // JSON is YAML: no YAML library needed.
  await writeFile(path, `${JSON.stringify(ccbBenchConfig(options), null, 2)}\n`);
}

/** `--cpu-prof` arguments writing `<name>.cpuprofile` when profiling is on (ccb, and node-pipe to compare). */
function cpuProfileArgs(environment: BenchEnvironment, name: string): string[] {
  return environment.cpuProfileDir === undefined
    ? []
    : ['--cpu-prof', '--cpu-prof-dir', environment.cpuProfileDir, '--cpu-prof-name', `${name}.cpuprofile`];
}

async function startCcb(
  environment: BenchEnvironment,
  options: StartTargetsOptions,
  variant: CcbVariant = 'ccb',
): Promise<ServerProcess> {
  const configPath = join(environment.workDir, `${variant}-${options.label}.yaml`);
  const refusedUrl = options.withRefusingProvider
    ? `http://127.0.0.1:${await reserveRefusedPort()}`
    : undefined;
  const layout: ProviderLayout =
    refusedUrl !== undefined ? 'refusing-first' : options.withAffinity ? 'two-with-affinity' : 'single';
  const shared = environment.sharedEngines;
  if (variant === 'ccb-shared' && shared === undefined) {
    throw new BenchError(
      'CCB_BENCH_TARGET_START_FAILED',
      'ccb-shared did not start: the bench has no Redis and PostgreSQL for it (set REDIS_URL and DATABASE_URL, or install redis-server and postgresql).',
    );
  }
  const bedrock = variant === 'ccb-bedrock' || variant === 'ccb-bedrock-sigv4';
  await writeCcbConfig(configPath, {
    variant,
    layout,
    // The Bedrock variants run only where the scenario's upstream is `paced` (see `measuresTarget`).
    upstreamUrl: bedrock ? environment.mockUrls.bedrock : options.upstreamUrl,
    refusedUrl,
    shared:
      shared === undefined
        ? undefined
        : {
            redisUrl: shared.redisUrl,
            databaseUrl: shared.databaseUrl,
            keyPrefix: `${shared.keyPrefix}${options.label}:`,
          },
  });
  const profileArgs = cpuProfileArgs(environment, `${variant}-${options.label}`);
  return spawnServer({
    name: variant,
    nodeArgs: [...profileArgs, environment.cliPath, 'serve', '--config', configPath, '--log-format', 'json'],
    registry: environment.registry,
    loopProbePath: environment.loopProbePath,
    // Request logs go to a file, as in production; a pipe read by the busy load generator would throttle ccb.
    stdoutFile: join(environment.workDir, `${variant}-${options.label}.log`),
    pinning: environment.pinning,
  });
}

/**
 * Starts fresh node-pipe and ccb processes for one scenario (fresh, so one scenario's heap does not
 * inflate the next one's RSS), in parallel. If one fails, the others are stopped and the error is thrown.
 */
export async function startTargets(
  environment: BenchEnvironment,
  options: StartTargetsOptions,
): Promise<RunningTarget[]> {
  const starts = options.targets.map(async (id): Promise<RunningTarget> => {
    switch (id) {
      case 'direct':
        return { id, url: options.upstreamUrl, process: undefined };
      case 'node-pipe':
      case 'node-pipe-held': {
        const server = await spawnServer({
          name: id,
          nodeArgs: [
            ...cpuProfileArgs(environment, `${id}-${options.label}`),
            environment.nodePipePath,
            options.upstreamUrl,
            ...(id === 'node-pipe-held' ? ['held'] : []),
          ],
          registry: environment.registry,
          ipc: true,
          loopProbePath: environment.loopProbePath,
          pinning: environment.pinning,
        });
        return { id, url: server.url, process: server };
      }
      case 'ccb': {
        const server = await startCcb(environment, options);
        return { id, url: server.url, process: server };
      }
      case 'ccb-quiet':
      case 'ccb-dedup':
      case 'ccb-shared':
      case 'ccb-bedrock':
      case 'ccb-bedrock-sigv4': {
        const server = await startCcb(environment, options, id);
        return { id, url: server.url, process: server };
      }
    }
  });
  const settled = await Promise.allSettled(starts);
  const failure = settled.find((result) => result.status === 'rejected');
  const running = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  if (failure === undefined) return running;
  await stopTargets(running);
  throw failure.reason;
}

/** Stops every target process (direct has none); resolves once all exited. */
export async function stopTargets(targets: readonly RunningTarget[]): Promise<void> {
  await Promise.all(targets.map((target) => target.process?.stop()));
}
