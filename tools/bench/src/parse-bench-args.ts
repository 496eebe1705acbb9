import { parseArgs } from 'node:util';
import { BenchError } from './bench-error.js';
import {
  defaultTargetIds,
  type Scenario,
  type ScenarioSet,
  scenarioSets,
  scenarios,
  scenariosOf,
  type TargetId,
  targetIds,
} from './scenarios.js';

/** What one `bench` run does, resolved from the command line. */
export interface BenchOptions {
  /**
   * Measured time per target per window (one per round, or `windowsPerRound`), in ms. Default 1000 (`--quick`:
   * 500).
   */
  readonly durationInMs: number;
  /**
   * Unmeasured load per target before the first round, in ms, for every scenario (`--warmup`; `--quick`: 200).
   * Undefined: each scenario's own (1 s; 15 s for the Claude Code set, see `warmupOf`).
   */
  readonly warmupInMs: number | undefined;
  /** Interleaved rounds (A B C, C B A…), each a pair for the ratios between targets. Default 5 (`--quick`: 1). */
  readonly rounds: number;
  /**
   * Measured windows per target per round, the targets taking turns window by window, for every scenario
   * (`--windows`; `--quick`: 1). Undefined: each scenario's own (1; 4 for the Claude Code set, see
   * `windowsPerRoundOf`).
   */
  readonly windowsPerRound: number | undefined;
  /** Selected scenarios, in catalog order: `--scenarios`, else those of `--set` (default the `default` set). */
  readonly scenarios: readonly Scenario[];
  /** Selected targets, in interleaving order. Default all. */
  readonly targets: readonly TargetId[];
  /** Run the soak test instead of the scenarios. */
  readonly soak: boolean;
  /** Requests the soak test sends. Default 100 000 (`--quick`: 5 000). */
  readonly soakRequests: number;
  /**
   * `--soak-duration`: run the timed soak with Claude Code-sized bodies for this long, in ms, instead of the
   * request-count soak (`soak` is then true too). Undefined without the flag.
   */
  readonly soakDurationInMs: number | undefined;
  /** Where the JSON results go; undefined means `bench/results/latest.json` at the repo root. */
  readonly outPath: string | undefined;
  /** When set, ccb runs under `node --cpu-prof`, profiles go here and their hot functions are printed. */
  readonly cpuProfileDir: string | undefined;
  /** Keeps one `/admin/events` stream (an open dashboard) on each ccb target. Default false. */
  readonly eventsClient: boolean;
  /**
   * Runs the proxy targets on CPUs apart from the load generator and the mock (`taskset`, Linux with two or more
   * allowed CPUs; see `cpu-pinning.ts`): `--pin`. Default false.
   */
  readonly pin: boolean;
  readonly quick: boolean;
  readonly help: boolean;
}

/** The `--help` text. */
export const benchUsage = `Usage: node dist/main.js [options]

Measures direct (client → mock), node-pipe (minimal Node proxy) and ccb side by side (and, on request,
node-pipe-held: node-pipe reading each whole body before sending it on, as a proxy that can replay it must;
ccb-quiet: ccb with request logs and metrics off; ccb-dedup: ccb with dedup.messages in_flight, whose
cost for a request without a duplicate nonstream-c1 shows, since every request carries the same body;
ccb-shared: ccb with its state in Redis and its ledger in PostgreSQL, from REDIS_URL and DATABASE_URL or
started by the bench from Debian's packages, and skipped with one line when neither; ccb-bedrock and
ccb-bedrock-sigv4: ccb with a kind: bedrock provider on the mock's Bedrock mode, with a Bedrock API key or
SigV4, default set only). Every round measures each target once, back to back (or --windows times, the
targets taking turns); ratios between targets (RPS, CPU per request, the cost of logs and metrics) are the
median of the per-round ratios. The default run takes about 6 minutes on 2 cores.

Options:
  --duration <s>        measured seconds per target per window (a round has one, or --windows; default 1;
                        streaming scenarios at least 1.5)
  --warmup <s>          unmeasured seconds per target before the first round (default 1; 15 for the claude-code set),
                        in slices of at most 2 s with the targets taking turns, then one unmeasured round
  --rounds <n>          interleaved rounds, i.e. pairs per ratio (default 5)
  --windows <n>         measured windows per target in each round, the targets taking turns window by window
                        (default 1; 4 for the claude-code set); a round's figures are over all its windows
  --set <name>          the scenarios of a set: ${scenarioSets.join(', ')} (Claude Code-sized traffic), or all
                        (default: default)
  --scenarios <a,b,…>   only these scenarios, of any set: ${scenarios.map((scenario) => scenario.id).join(', ')}
  --targets <a,b,…>     only these targets: ${targetIds.join(', ')} (default ${defaultTargetIds.join(',')})
  --quick               short smoke run (0.5 s per target, 0.2 s warm-up, 1 round of 1 window, 5 000 soak requests)
  --soak                send --soak-requests mixed requests to ccb and report its RSS instead
  --soak-requests <n>   requests of the soak test (default 100 000)
  --soak-duration <t>   instead: a timed soak (e.g. 10m, 90s, 1h; a bare number is seconds) of Claude Code
                        sessions growing to 1 MiB, sampling the RSS of ccb and node-pipe (of --targets) to check
                        that it stays flat after warm-up (issue 20)
  --out <path>          JSON results file (default bench/results/latest.json at the repo root)
  --cpu-prof-dir <dir>  profile ccb (node --cpu-prof) into <dir> and print its hottest functions
  --events-client       keep one GET /admin/events stream open to each ccb target, as an open dashboard does
  --pin                 run the proxies on the upper half of the allowed CPUs and the load generator and the mock on
                        the rest (Linux with taskset and two or more CPUs), instead of all sharing every CPU
  --help                show this text`;

function invalid(message: string, cause?: unknown): BenchError {
  return new BenchError('CCB_BENCH_INVALID_ARGS', `${message}\n\n${benchUsage}`, { cause });
}

function positiveNumber(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw invalid(`${flag} must be a positive number, got "${text}".`);
  }
  return value;
}

function positiveInteger(text: string | undefined, flag: string, fallback: number): number {
  const value = positiveNumber(text, flag, fallback);
  if (!Number.isInteger(value)) throw invalid(`${flag} must be a whole number, got "${text}".`);
  return value;
}

function selectList<T>(
  text: string | undefined,
  flag: string,
  all: readonly T[],
  idOf: (item: T) => string,
): T[] {
  if (text === undefined) return [...all];
  const wanted = new Set(
    text
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  );
  const known = new Set(all.map(idOf));
  const unknown = [...wanted].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw invalid(`${flag}: unknown ${unknown.join(', ')}; choose from ${[...known].join(', ')}.`);
  }
  if (wanted.size === 0) throw invalid(`${flag} needs at least one name.`);
  // Catalog order, whatever order the user typed: interleaving and tables stay comparable across runs.
  return all.filter((item) => wanted.has(idOf(item)));
}

function selectSet(name: string | undefined): Scenario[] {
  if (name === undefined) return scenariosOf('default');
  if (name === 'all') return [...scenarios];
  if (!scenarioSets.includes(name as ScenarioSet)) {
    throw invalid(`--set: unknown ${name}; choose from ${[...scenarioSets, 'all'].join(', ')}.`);
  }
  return scenariosOf(name as ScenarioSet);
}

const durationUnitsInMs: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `10m`, `90s`, `1.5h`, `500ms`, or a bare number of seconds, in ms; at least 1 s. */
export function parseDurationInMs(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const inMs =
    match === null ? Number.NaN : Number(match[1]) * (durationUnitsInMs[match[2] ?? 's'] as number);
  if (!Number.isFinite(inMs) || inMs < 1000) {
    throw invalid(`${flag} must be a time of at least 1 s such as 10m, 90s or 1h, got "${text}".`);
  }
  return Math.round(inMs);
}

/** Parses the bench's command line (without `node` and the script). Throws `CCB_BENCH_INVALID_ARGS`. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        duration: { type: 'string' },
        warmup: { type: 'string' },
        rounds: { type: 'string' },
        windows: { type: 'string' },
        scenarios: { type: 'string' },
        set: { type: 'string' },
        targets: { type: 'string' },
        quick: { type: 'boolean' },
        soak: { type: 'boolean' },
        'soak-requests': { type: 'string' },
        'soak-duration': { type: 'string' },
        out: { type: 'string' },
        'cpu-prof-dir': { type: 'string' },
        'events-client': { type: 'boolean' },
        pin: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw invalid((error as Error).message, error);
  }
  const text = (name: string) => values[name] as string | undefined;
  const quick = values.quick === true;
  const soakDurationText = text('soak-duration');
  const soakDurationInMs =
    soakDurationText === undefined ? undefined : parseDurationInMs(soakDurationText, '--soak-duration');
  return {
    durationInMs: positiveNumber(text('duration'), '--duration', quick ? 0.5 : 1) * 1000,
    warmupInMs:
      text('warmup') !== undefined
        ? positiveNumber(text('warmup'), '--warmup', 1) * 1000
        : quick
          ? 200
          : undefined,
    rounds: positiveInteger(text('rounds'), '--rounds', quick ? 1 : 5),
    windowsPerRound:
      text('windows') !== undefined
        ? positiveInteger(text('windows'), '--windows', 1)
        : quick
          ? 1
          : undefined,
    scenarios:
      text('scenarios') === undefined
        ? selectSet(text('set'))
        : selectList(text('scenarios'), '--scenarios', scenarios, (scenario) => scenario.id),
    targets:
      text('targets') === undefined
        ? [...defaultTargetIds]
        : selectList(text('targets'), '--targets', targetIds, (target) => target),
    soak: values.soak === true || soakDurationInMs !== undefined,
    soakRequests: positiveInteger(text('soak-requests'), '--soak-requests', quick ? 5_000 : 100_000),
    soakDurationInMs,
    outPath: text('out'),
    cpuProfileDir: text('cpu-prof-dir'),
    eventsClient: values['events-client'] === true,
    pin: values.pin === true,
    quick,
    help: values.help === true,
  };
}
