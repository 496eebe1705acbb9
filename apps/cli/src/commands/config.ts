import { configJsonSchema, redactConfig } from '@ccb/config';
import { defineCommand } from 'citty';
import { stringify } from 'yaml';
import { configArgs, exitOnUserError, loadCliConfig } from '../load-cli-config.js';

const checkCommand = defineCommand({
  meta: { name: 'check', description: 'Validate the configuration and print it resolved, secrets redacted' },
  args: configArgs,
  async run({ args }) {
    try {
      const { config, path } = await loadCliConfig(args.config);
      process.stdout.write(
        `# ${path ?? 'default configuration (no file; from $ANTHROPIC_API_KEY)'}: valid\n`,
      );
      process.stdout.write(stringify(redactConfig(config)));
    } catch (error) {
      exitOnUserError(error);
    }
  },
});

const schemaCommand = defineCommand({
  meta: { name: 'schema', description: 'Print the JSON Schema of ccb.yaml (for yaml-language-server)' },
  run() {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  },
});

export const configCommand = defineCommand({
  meta: { name: 'config', description: 'Check the configuration or print its schema' },
  subCommands: { check: checkCommand, schema: schemaCommand },
});
