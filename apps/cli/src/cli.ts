#!/usr/bin/env node
import { defineCommand, runMain } from 'citty';
import { configCommand } from './commands/config.js';
import { demoCommand } from './commands/demo.js';
import { initCommand } from './commands/init.js';
import { serveArgs, serveCommand } from './commands/serve.js';
import { statusCommand } from './commands/status.js';
import { usageCommand } from './commands/usage.js';
import { version } from './version.js';

const main = defineCommand({
  meta: {
    name: 'ccb',
    version,
    description:
      'CC-Balancer: load balancing and invisible failover for Claude Code across Anthropic-compatible providers',
  },
  // The serve flags are declared here too so `ccb --config F --port 8080` serves, as cc-balancer users expect.
  args: serveArgs,
  subCommands: {
    serve: serveCommand,
    demo: demoCommand,
    status: statusCommand,
    usage: usageCommand,
    init: initCommand,
    config: configCommand,
  },
  default: 'serve',
});

runMain(main);
