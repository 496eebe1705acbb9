#!/usr/bin/env node
import { exitWithFailure } from './report-failure.js';

// Installed before the rest of the CLI loads: a failure after startup (a server error event, a rejection nobody
// awaited) and a dependency that does not load (a broken install) both end as one `ccb:` line, not Node's stack.
process.on('uncaughtException', (error) => exitWithFailure(error));

const [{ runCommandLine }, { mainCommand }, { version }] = await Promise.all([
  import('./run-command-line.js'),
  import('./main-command.js'),
  import('./version.js'),
]);
await runCommandLine(mainCommand, process.argv.slice(2), version);
