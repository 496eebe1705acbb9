#!/usr/bin/env node
import { exitWithFailure } from './report-failure.js';

// Installed before the rest of the CLI loads: a failure after startup (a server error event, a rejection nobody
// awaited) and a dependency that does not load (a broken install) both end as one `ccb:` line, not Node's stack.
process.on('uncaughtException', (error) => exitWithFailure(error));
// A reader that stops early (`ccb config check | head -1`) is not a failure: the output it wanted is out. Exit as
// quietly as `cat` would, whatever the command. (A serving ccb writes its logs through its own sink, which counts
// lines stdout refused instead: it never writes through process.stdout, so this never ends a server.)
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  exitWithFailure(error);
});

const [{ runCommandLine }, { mainCommand }, { version }] = await Promise.all([
  import('./run-command-line.js'),
  import('./main-command.js'),
  import('./version.js'),
]);
await runCommandLine(mainCommand, process.argv.slice(2), version);
