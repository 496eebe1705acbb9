import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { BenchError } from './bench-error.js';

/**
 * The absolute path of the `ccb` executable script, read from `@ccb/cli`'s `bin` field. Throws
 * `CCB_BENCH_CLI_NOT_FOUND` when the package cannot be resolved or is not built.
 */
export function resolveCliPath(): string {
  const require = createRequire(import.meta.url);
  let manifestPath: string;
  try {
    manifestPath = require.resolve('@ccb/cli/package.json');
  } catch (error) {
    throw new BenchError(
      'CCB_BENCH_CLI_NOT_FOUND',
      'Cannot resolve @ccb/cli from @ccb/bench: run `pnpm install` at the repo root.',
      { cause: error },
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.ccb;
  if (bin === undefined) {
    throw new BenchError('CCB_BENCH_CLI_NOT_FOUND', `${manifestPath} has no "bin.ccb" entry.`);
  }
  const cliPath = resolve(dirname(manifestPath), bin);
  if (!existsSync(cliPath)) {
    throw new BenchError(
      'CCB_BENCH_CLI_NOT_FOUND',
      `${cliPath} does not exist: build the CLI first (\`pnpm build\` at the repo root, or \`pnpm bench\`, which builds).`,
    );
  }
  return cliPath;
}
