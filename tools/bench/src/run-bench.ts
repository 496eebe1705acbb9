import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError } from './bench-error.js';
import type { BenchResults } from './bench-results.js';
import { type CpuPinning, pinLoadSide } from './cpu-pinning.js';
import { evaluateGoals } from './evaluate-goals.js';
import { formatDurationSoak } from './format-duration-soak.js';
import { formatGoals } from './format-goals.js';
import { formatScenarioTable } from './format-scenario-table.js';
import type { BenchOptions } from './parse-bench-args.js';
import type { ProcessRegistry } from './process-registry.js';
import { resolveCliPath } from './resolve-cli-path.js';
import { type DurationSoakResult, runDurationSoak, soakTargetIds } from './run-duration-soak.js';
import { runScenario, scenarioLoadTimeInMs, unmeasuredRoundsAfterWarmup } from './run-scenario.js';
import { formatSoakTable, runSoak, type SoakResult } from './run-soak.js';
import { measuresTarget, warmupOf, windowsPerRoundOf } from './scenarios.js';
import { prepareSharedEngines, type SharedEngines } from './shared-engines.js';
import { spawnServer } from './spawn-server.js';
import type { BenchEnvironment } from './start-targets.js';
import { type CpuProfile, formatHotFunctions, summarizeCpuProfile } from './summarize-cpu-profile.js';
import { windowsLabel } from './windows-label.js';

/** Where {@link runBench} reports and whom it answers to. */
export interface RunBenchContext {
  readonly registry: ProcessRegistry;
  /** Ctrl-C: stops the load and unwinds. */
  readonly signal: AbortSignal;
  /** Results (tables, summaries). */
  readonly print: (text: string) => void;
  /** Progress lines. */
  readonly progress: (text: string) => void;
  /** Where `REDIS_URL` and `DATABASE_URL` are read (for `ccb-shared`). Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

function builtScript(name: string): string {
  // The entry scripts sit beside this bundle in dist/.
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

async function summarizeProfiles(directory: string): Promise<BenchResults['cpuProfiles']> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.cpuprofile')).sort();
  return Promise.all(
    files.map(async (file) => {
      const profile = JSON.parse(await readFile(join(directory, file), 'utf8')) as CpuProfile;
      return { file: join(directory, file), hotFunctions: summarizeCpuProfile(profile) };
    }),
  );
}

/**
 * Runs the benchmark the options describe: starts the mock process (and, for `ccb-shared`, a Redis and a
 * PostgreSQL), then either every selected scenario (printing each table as it finishes, then the goals) or the
 * soak test. Stops every process and engine it started, on success, failure and Ctrl-C alike.
 */
export async function runBench(options: BenchOptions, context: RunBenchContext): Promise<BenchResults> {
  const startedAt = new Date().toISOString();
  // Before anything starts: the mock and the engines inherit the load side's CPUs from this process.
  const outcome = options.pin ? pinLoadSide() : undefined;
  const pinning = outcome?.pinned === true ? outcome.pinning : undefined;
  if (outcome !== undefined) {
    context.progress(
      outcome.pinned
        ? `CPUs: load generator and mock on ${outcome.pinning.load}, the measured proxies on ${outcome.pinning.target}`
        : `CPUs: not pinned (${outcome.reason})`,
    );
  }
  const shared = await prepareSharedEngines(options.soak ? [] : options.targets, {
    progress: context.progress,
    env: context.env ?? process.env,
  });
  try {
    // Ctrl-C while the engines started: unwind now, through the finally that stops them.
    if (context.signal.aborted) throw new BenchError('CCB_BENCH_INTERRUPTED', 'Benchmark interrupted.');
    if (!options.soak && shared.targets.length === 0) {
      throw new BenchError('CCB_BENCH_INVALID_ARGS', 'No target left to measure (ccb-shared was skipped).');
    }
    const targets = options.soak ? options.targets : shared.targets;
    return await runTargets({ ...options, targets }, context, {
      sharedEngines: shared.engines,
      pinning,
      startedAt,
    });
  } finally {
    await shared.engines?.stop();
  }
}

async function runTargets(
  options: BenchOptions,
  context: RunBenchContext,
  setup: {
    readonly sharedEngines: SharedEngines | undefined;
    readonly pinning: CpuPinning | undefined;
    readonly startedAt: string;
  },
): Promise<BenchResults> {
  const { registry, signal, print, progress } = context;
  const { sharedEngines, pinning, startedAt } = setup;
  const needsCcb = options.soak || options.targets.some((target) => target.startsWith('ccb'));
  const cliPath = needsCcb ? resolveCliPath() : '';
  const cpuProfileDir = options.cpuProfileDir === undefined ? undefined : resolve(options.cpuProfileDir);
  if (cpuProfileDir !== undefined) await mkdir(cpuProfileDir, { recursive: true });
  const workDir = await mkdtemp(join(tmpdir(), 'ccb-bench-'));
  const mock = await spawnServer({
    name: 'mock',
    nodeArgs: [builtScript('mock-process.js')],
    registry,
    ipc: true,
    loopProbePath: builtScript('loop-probe.js'),
  });
  try {
    const { urls } = JSON.parse(mock.readyLine) as { urls: BenchEnvironment['mockUrls'] };
    const environment: BenchEnvironment = {
      registry,
      mockUrls: urls,
      cliPath,
      nodePipePath: builtScript('node-pipe.js'),
      loopProbePath: builtScript('loop-probe.js'),
      upstreamProbe: mock.loopProbe,
      workDir,
      cpuProfileDir,
      signal,
      sharedEngines,
      pinning,
    };
    const scenarioResults: BenchResults['scenarios'][number][] = [];
    let soak: SoakResult | undefined;
    let durationSoak: DurationSoakResult | undefined;
    if (options.soakDurationInMs !== undefined) {
      const targets = options.targets.filter((target) => soakTargetIds.includes(target));
      const left = options.targets.filter((target) => target !== 'direct' && !targets.includes(target));
      if (left.length > 0) progress(`soak: ${left.join(', ')} not soaked (only ${soakTargetIds.join(', ')})`);
      if (targets.length === 0) {
        throw new BenchError(
          'CCB_BENCH_INVALID_ARGS',
          `No target to soak: --targets needs one of ${soakTargetIds.join(', ')}.`,
        );
      }
      progress(`soak: ${targets.join(', ')} for ${options.soakDurationInMs / 1000} s…`);
      durationSoak = await runDurationSoak(environment, {
        durationInMs: options.soakDurationInMs,
        targets,
        progress,
      });
      print(formatDurationSoak(durationSoak));
    } else if (options.soak) {
      progress(`soak: ${options.soakRequests} requests to ccb…`);
      soak = await runSoak(environment, { requests: options.soakRequests });
      print(formatSoakTable(soak));
    } else {
      const loadInMs = options.scenarios.reduce(
        (total, scenario) =>
          total +
          scenarioLoadTimeInMs(scenario, {
            ...options,
            targets: options.targets.filter((target) => measuresTarget(scenario, target)),
          }),
        0,
      );
      progress(
        `${options.scenarios.length} scenario(s) × ${options.targets.length} target(s) × ${options.rounds} round(s)${windowsLabel(options.scenarios, options.windowsPerRound)}, ~${Math.ceil(loadInMs / 1000)} s of load with connection ramps (plus process starts); mock pid ${mock.pid}`,
      );
      for (const scenario of options.scenarios) {
        const targets = options.targets.filter((target) => measuresTarget(scenario, target));
        const left = options.targets.filter((target) => !targets.includes(target));
        if (left.length > 0) {
          progress(
            `${left.join(', ')} not measured in ${scenario.id}: its bulk mock drops bodies past 4 KiB, and the Bedrock mode needs them whole`,
          );
        }
        if (targets.length === 0) continue;
        const windows = windowsPerRoundOf(scenario, options.windowsPerRound);
        progress(`running ${scenario.id}${windows > 1 ? ` (${windows} windows per round)` : ''}…`);
        const rows = await runScenario(environment, scenario, { ...options, targets });
        mock.assertRunning();
        print(`\n${formatScenarioTable(scenario, rows)}`);
        const { id, title, connections, load, failover, request } = scenario;
        scenarioResults.push({
          id,
          title,
          connections,
          load,
          failover,
          request,
          set: scenario.set ?? 'default',
          timeTo: scenario.timeTo ?? 'first-byte',
          warmupInMs: warmupOf(scenario, options.warmupInMs),
          windowsPerRound: windowsPerRoundOf(scenario, options.windowsPerRound),
          rows,
        });
      }
    }
    const goals = options.soak
      ? (durationSoak?.goals ?? [])
      : evaluateGoals(scenarioResults.map((result) => ({ scenario: result, rows: result.rows })));
    if (goals.length > 0) print(`\ntargets (goals of the performance issue)\n${formatGoals(goals)}`);
    const cpuProfiles = cpuProfileDir === undefined ? [] : await summarizeProfiles(cpuProfileDir);
    for (const profile of cpuProfiles) {
      print(`\nccb self time: ${profile.file}\n${formatHotFunctions(profile.hotFunctions)}`);
    }
    return {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: {
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
      },
      settings: {
        durationInMs: options.durationInMs,
        warmupInMs: options.warmupInMs ?? null,
        rounds: options.rounds,
        windowsPerRound: options.windowsPerRound ?? null,
        targets: options.targets,
        eventsClient: options.eventsClient,
        pinning: pinning ?? null,
        unmeasuredRoundsAfterWarmup,
      },
      scenarios: scenarioResults,
      goals,
      soak,
      durationSoak,
      cpuProfiles,
    };
  } finally {
    await mock.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}
