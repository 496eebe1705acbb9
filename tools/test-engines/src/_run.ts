import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * util-linux's `runuser`, found where Debian puts it: a minimal PATH (cron, `env -i`, some CI runners) has no sbin
 * directory, and the bare name would not be found there.
 */
const runuser = ['/usr/sbin/runuser', '/sbin/runuser'].find((path) => existsSync(path)) ?? 'runuser';

/** Output and exit code of a finished command. */
export interface RunResult {
  readonly code: number | null;
  readonly output: string;
}

/**
 * Runs `command` to its end (stdout and stderr together), as `user` when given: PostgreSQL refuses to run as root,
 * and CI runs as root. Rejects only when the command cannot start.
 */
export function run(command: string, args: readonly string[], user?: string): Promise<RunResult> {
  const [file, fileArgs] =
    user === undefined ? [command, args] : [runuser, ['-u', user, '--', command, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(file, fileArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Runs `command` and throws with its output when it exits non-zero. */
export async function runOrThrow(command: string, args: readonly string[], user?: string): Promise<string> {
  const result = await run(command, args, user);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.code}: ${result.output.trim()}`);
  }
  return result.output;
}
