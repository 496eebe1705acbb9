import { type CommandDef, renderUsage, runCommand } from 'citty';
import { shouldColour, stripAnsi } from './colour.js';
import { parseCommandLine } from './parse-command-line.js';
import { exitWithFailure } from './report-failure.js';

/**
 * Runs the CLI in place of citty's `runMain`, which prints any error with its stack and ignores unknown flags.
 * Here the command line is checked first (unknown flags and commands are usage errors, exit 2), `--help` and
 * `--version` are answered, and a failing command leaves through {@link exitWithFailure}: one `ccb: <message>`
 * line and a non-zero exit. (`cli.ts` sends failures after the command returned, as a serving ccb does, there too.)
 */
export async function runCommandLine(
  // biome-ignore lint/suspicious/noExplicitAny: the root's flags are not this function's concern.
  root: CommandDef<any>,
  argv: readonly string[],
  version: string,
): Promise<void> {
  try {
    const line = await parseCommandLine(root, argv);
    if (line.version) {
      process.stdout.write(`${version}\n`);
      return;
    }
    if (line.help) {
      // A parent that carries the full command name, so the header reads "ccb config check v1.2.3".
      const parent = { meta: { name: line.names.slice(0, -1).join(' '), version } };
      const usage = await renderUsage(line.command, line.names.length > 1 ? parent : undefined);
      // citty colours usage unless NO_COLOR=1 (even into a pipe); ccb's rule for colour applies here too.
      const colour = shouldColour({ isTTY: process.stdout.isTTY, env: process.env });
      process.stdout.write(`${colour ? usage : stripAnsi(usage)}\n`);
      return;
    }
    await runCommand(root, { rawArgs: [...argv] });
  } catch (error) {
    exitWithFailure(error);
  }
}
