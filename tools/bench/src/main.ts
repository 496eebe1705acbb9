// The `bench` entry: `node dist/main.js [options]` (see --help). Owns process-wide concerns: signals,
// exit codes, and killing every child process however the run ends.
import { BenchError } from './bench-error.js';
import { defaultResultsPath, writeBenchResults } from './bench-results.js';
import { benchUsage, parseBenchArgs } from './parse-bench-args.js';
import { createProcessRegistry } from './process-registry.js';
import { runBench } from './run-bench.js';

const registry = createProcessRegistry();
const abortController = new AbortController();
let signalsReceived = 0;

function onSignal(signal: NodeJS.Signals): void {
  signalsReceived++;
  if (signalsReceived > 1) {
    registry.killAllNow();
    process.exit(130);
  }
  process.stderr.write(`\n${signal}: stopping the load and the child processes (again to force)…\n`);
  abortController.abort();
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// Last resort for any way out (uncaught errors included): no server outlives the bench.
process.on('exit', () => registry.killAllNow());

function exitCodeFor(error: unknown): number {
  if (!BenchError.is(error)) return 1;
  if (error.code === 'CCB_BENCH_INVALID_ARGS') return 2;
  if (error.code === 'CCB_BENCH_INTERRUPTED') return 130;
  return 1;
}

try {
  const options = parseBenchArgs(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${benchUsage}\n`);
  } else {
    const results = await runBench(options, {
      registry,
      signal: abortController.signal,
      print: (text) => process.stdout.write(`${text}\n`),
      progress: (text) => process.stderr.write(`${text}\n`),
    });
    const written = await writeBenchResults(options.outPath ?? defaultResultsPath(), results);
    process.stderr.write(`\nresults written to ${written}\n`);
  }
} catch (error) {
  process.stderr.write(
    `\n${BenchError.is(error) ? `${error.code}: ${error.message}` : String((error as Error)?.stack ?? error)}\n`,
  );
  process.exitCode = exitCodeFor(error);
} finally {
  await registry.stopAll();
}
