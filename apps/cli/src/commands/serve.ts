import { dirname } from 'node:path';
import { configSecretFields } from '@ccb/config';
import { minRedactedLength } from '@ccb/telemetry';
import { defineCommand } from 'citty';

import { applyHeapGrowth } from '../heap-growth.js';
import { configArgs, loadCliConfig } from '../load-cli-config.js';
import { createOutput } from '../output.js';
import { exitWithFailure } from '../report-failure.js';
import { runBalancer } from '../run-balancer.js';

/** Flags of `ccb serve`; also accepted by `ccb` with no subcommand. */
export const serveArgs = {
  ...configArgs,
  host: { type: 'string', description: 'Address to listen on (default 127.0.0.1)' },
  port: { type: 'string', alias: 'p', description: 'Port to listen on (default 8000)' },
  'log-level': { type: 'string', description: 'trace | debug | info | warn | error | silent' },
  'log-format': { type: 'string', description: 'auto | json | pretty (auto: pretty on a TTY)' },
  'allow-unauthenticated': {
    type: 'boolean',
    description: 'Allow a non-loopback bind without auth.api_keys (trusted networks only)',
  },
  reload: {
    type: 'boolean',
    description:
      'Reload when the config file, its .env files or the price file change (SIGHUP and POST /admin/reload always reload)',
  },
  watch: { type: 'boolean', description: 'The same as --reload' },
  'allow-open-admin': {
    type: 'boolean',
    description:
      'Without auth.admin_key, answer /metrics and /admin/* beyond loopback too (trusted networks only)',
  },
} as const;

export const serveCommand = defineCommand({
  meta: { name: 'serve', description: 'Start the balancer (the default command)' },
  args: serveArgs,
  async run({ args }) {
    try {
      const flags = {
        host: args.host,
        port: args.port,
        logLevel: args['log-level'],
        logFormat: args['log-format'],
      };
      const loaded = await loadCliConfig(args.config, flags);
      const { config, path } = loaded;
      const secrets = configSecretFields(config);
      const output = createOutput({
        level: config.server.log_level,
        format: config.server.log_format,
        redactValues: secrets.map((secret) => secret.value),
      });
      // The logger does not scrub values this short (they would mangle ordinary words): say which, never the value.
      for (const { path, value } of secrets) {
        if (value.length < minRedactedLength) {
          output.warn(`${path} is ${value.length} characters: too short to be redacted from logs`);
        }
      }
      applyHeapGrowth(output);
      await runBalancer(config, {
        output,
        // With no file, the default config: say where the environment's key goes.
        configSource: path ?? 'none, $ANTHROPIC_API_KEY to api.anthropic.com',
        allowUnauthenticated: args['allow-unauthenticated'] === true,
        allowOpenAdmin: args['allow-open-admin'] === true,
        reload: {
          load: () => loadCliConfig(args.config, flags),
          initial: loaded,
          watch: args.reload === true || args.watch === true,
        },
        // Relative paths in the config (ledger, price file) are relative to the file, like include paths.
        baseDir: path === undefined ? process.cwd() : dirname(path),
      });
    } catch (error) {
      exitWithFailure(error);
    }
  },
});
