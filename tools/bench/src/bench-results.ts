import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TargetRow } from './compare-targets.js';
import type { CpuPinning } from './cpu-pinning.js';
import type { GoalCheck } from './evaluate-goals.js';
import type { DurationSoakResult } from './run-duration-soak.js';
import type { SoakResult } from './run-soak.js';
import type { Scenario, TargetId } from './scenarios.js';
import type { HotFunction } from './summarize-cpu-profile.js';

/** Everything one bench run measured: the content of `bench/results/latest.json`. */
export interface BenchResults {
  /** ISO 8601 times of the run. */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: {
    readonly node: string;
    readonly platform: string;
    readonly cpus: number;
    readonly cpuModel: string;
  };
  readonly settings: {
    readonly durationInMs: number;
    /** `--warmup`'s (or `--quick`'s), for every scenario; null: each scenario's own (its `warmupInMs`). */
    readonly warmupInMs: number | null;
    readonly rounds: number;
    /** `--windows`' (or `--quick`'s), for every scenario; null: each scenario's own (absent before there was one). */
    readonly windowsPerRound?: number | null;
    readonly targets: readonly TargetId[];
    /** One `/admin/events` stream was open to each ccb target (`--events-client`). */
    readonly eventsClient: boolean;
    /** The CPU lists of the load side and of the measured proxies; null when the run went unpinned. */
    readonly pinning: CpuPinning | null;
    /** Unmeasured rounds each target ran after its warm-up (absent from results before there was one). */
    readonly unmeasuredRoundsAfterWarmup: number;
  };
  /**
   * Milliseconds for latencies, µs for CPU per request, bytes for RSS; NaN becomes null in the JSON. Each
   * row holds its totals over all rounds, its `rounds[]` (each round's counts, RPS and CPU per request),
   * and the ratios paired per round (`versusNodePipe`, and on ccb's row with ccb-quiet
   * `logsAndMetricsCost`), each with its per-round values, median, min, max and pair count.
   */
  readonly scenarios: readonly (Pick<
    Scenario,
    'id' | 'title' | 'connections' | 'load' | 'failover' | 'set' | 'request'
  > & {
    /** What the rows' `ttfb` (and a `ttfb` load's `headline`) time in a stream: its first byte or its first token. */
    readonly timeTo: NonNullable<Scenario['timeTo']>;
    /** Unmeasured load per target before the first round, in ms. */
    readonly warmupInMs: number;
    /** Measured windows per target in each round; a round's figures are over all of them. */
    readonly windowsPerRound?: number;
    readonly rows: readonly TargetRow[];
  })[];
  readonly goals: readonly GoalCheck[];
  /** The request-count soak (`--soak`). */
  readonly soak: SoakResult | undefined;
  /** The timed soak with Claude Code-sized bodies (`--soak-duration`): RSS samples and their flatness per target. */
  readonly durationSoak?: DurationSoakResult | undefined;
  readonly cpuProfiles: readonly { readonly file: string; readonly hotFunctions: readonly HotFunction[] }[];
}

/**
 * `bench/results/latest.json` at the repo root: the first folder above `fromDirectory` (default this
 * file's) that holds `pnpm-workspace.yaml`, else the current directory.
 */
export function defaultResultsPath(fromDirectory = dirname(fileURLToPath(import.meta.url))): string {
  let directory = fromDirectory;
  for (;;) {
    if (existsSync(join(directory, 'pnpm-workspace.yaml'))) break;
    const parent = dirname(directory);
    if (parent === directory) {
      directory = process.cwd();
      break;
    }
    directory = parent;
  }
  return join(directory, 'bench', 'results', 'latest.json');
}

/** Writes the results as indented JSON, creating the folder. Resolves to the absolute path written. */
export async function writeBenchResults(path: string, results: BenchResults): Promise<string> {
  const absolutePath = resolve(path);
  await mkdir(dirname(absolutePath), { recursive: true });
  await writeFile(absolutePath, `${JSON.stringify(results, null, 2)}\n`);
  return absolutePath;
}
