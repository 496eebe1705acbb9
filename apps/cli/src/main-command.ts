import { defineCommand } from 'citty';
import { configCommand } from './commands/config.js';
import { demoCommand } from './commands/demo.js';
import { initCommand } from './commands/init.js';
import { loginCommand } from './commands/login.js';
import { providersCommand } from './commands/providers.js';
import { reloadCommand } from './commands/reload.js';
import { serveArgs, serveCommand } from './commands/serve.js';
import { statusCommand } from './commands/status.js';
import { usageCommand } from './commands/usage.js';
import { version } from './version.js';

/** `ccb`: the command tree; with no command it serves. */
export const mainCommand = defineCommand({
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
    reload: reloadCommand,
    providers: providersCommand,
    usage: usageCommand,
    init: initCommand,
    login: loginCommand,
    config: configCommand,
  },
  default: 'serve',
});
