import { writeSync } from 'node:fs';
import { inspect } from 'node:util';
import { CliError, isCcbError } from './cli-error.js';
import { stripAnsi } from './colour.js';
import { describeSystemError, isSystemError, systemErrorFix } from './describe-system-error.js';

/** What the CLI says about an error, and how it exits. */
export interface Failure {
  /** Lines for stderr, each printed as `ccb: <line>`. One, except a config with several problems (one each). */
  readonly lines: readonly string[];
  /** 2 for a usage error, 1 for anything else. */
  readonly exitCode: 1 | 2;
  /** Not a user mistake or an environment problem but a bug in ccb: the stack trace is worth reading. */
  readonly bug: boolean;
}

/** `CCB_DEBUG=1` (any value but empty, 0 or false) adds the stack trace and causes to every failure. */
export function isDebugEnabled(env: NodeJS.ProcessEnv): boolean {
  const value = env.CCB_DEBUG;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/**
 * Turns anything thrown into what the CLI prints. `@ccb/*` errors (config, proxy, ledger, the CLI's own) and
 * system errors are the user's to fix and are printed as they are, with a fix for a system cause (a port in use);
 * anything else is a bug, printed as one line that says how to see its stack.
 */
export function describeFailure(error: unknown, options: { debug?: boolean } = {}): Failure {
  if (isCcbError(error)) {
    const lines = error.message.split('\n').filter((line) => line.trim() !== '');
    // A CliError's message carries its own fix; other packages' messages say what failed, not what to do about it.
    const fix = CliError.is(error) ? undefined : systemErrorFix(error.cause);
    if (fix !== undefined && lines.length === 1) lines[0] = `${lines[0]}; ${fix}`;
    return { lines, exitCode: CliError.is(error) ? error.exitCode : 1, bug: false };
  }
  if (isSystemError(error)) return { lines: [describeSystemError(error)], exitCode: 1, bug: false };
  // A package that does not resolve means a broken install, not a bug in ccb's code.
  if (error instanceof Error && (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
    const what = error.message.split('\n')[0] ?? '';
    return { lines: [`ccb is not installed completely (${what}); reinstall it`], exitCode: 1, bug: false };
  }
  // citty's own usage errors cannot happen once the command line is checked, but keep them one line anyway.
  if (error instanceof Error && error.name === 'CLIError') {
    return { lines: [stripAnsi(error.message)], exitCode: 2, bug: false };
  }
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? '';
  const how = options.debug ? 'the stack trace follows' : 'run again with CCB_DEBUG=1 to see the stack trace';
  return {
    lines: [`internal error: ${firstLine} (this is a bug in ccb: ${how}, and please report it)`],
    exitCode: 1,
    bug: true,
  };
}

/**
 * The one way out of the CLI on failure: prints `ccb: <message>` to stderr (plus the stack and causes under
 * `CCB_DEBUG=1`) and exits 1, or 2 for a usage error. Writes synchronously so the line is out before the exit.
 */
export function exitWithFailure(error: unknown): never {
  const debug = isDebugEnabled(process.env);
  const failure = describeFailure(error, { debug });
  let text = failure.lines.map((line) => `ccb: ${line}\n`).join('');
  if (debug) text += `${inspect(error, { depth: 6 })}\n`;
  try {
    let bytes = Buffer.from(text);
    while (bytes.length > 0) bytes = bytes.subarray(writeSync(2, bytes));
  } catch {
    // stderr is closed: the exit code is all that can still be said.
  }
  process.exit(failure.exitCode);
}
