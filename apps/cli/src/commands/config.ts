import { configJsonSchema, redactConfig } from '@ccb/config';
import { defineCommand } from 'citty';
import { stringify } from 'yaml';
import { renderConfigReference } from '../config-reference.js';
import { configArgs, loadCliConfig } from '../load-cli-config.js';

const checkCommand = defineCommand({
  meta: { name: 'check', description: 'Validate the configuration and print it resolved, secrets redacted' },
  args: configArgs,
  async run({ args }) {
    const { config, path } = await loadCliConfig(args.config);
    process.stdout.write(`# ${path ?? 'default configuration (no file; from $ANTHROPIC_API_KEY)'}: valid\n`);
    process.stdout.write(stringify(redactConfig(config)));
  },
});

const schemaCommand = defineCommand({
  meta: { name: 'schema', description: 'Print the JSON Schema of ccb.yaml (for yaml-language-server)' },
  run() {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  },
});

const referenceCommand = defineCommand({
  meta: {
    name: 'reference',
    description: 'Print the configuration reference as Markdown (docs/configuration.md)',
  },
  run() {
    process.stdout.write(renderConfigReference(configJsonSchema()));
  },
});

export const configCommand = defineCommand({
  meta: { name: 'config', description: 'Check the configuration, print its schema or its reference' },
  subCommands: { check: checkCommand, schema: schemaCommand, reference: referenceCommand },
});
