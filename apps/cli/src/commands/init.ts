import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { configJsonSchema, starterConfigYaml, starterEnvExample } from '@ccb/config';
import { defineCommand } from 'citty';
import { consola } from 'consola';

export const initCommand = defineCommand({
  meta: { name: 'init', description: 'Write a commented starter ccb.yaml, .env.example and ccb.schema.json' },
  args: {
    dir: { type: 'string', description: 'Folder to write into (default: the current folder)' },
    force: { type: 'boolean', description: 'Overwrite existing files' },
  },
  async run({ args }) {
    const dir = resolve(args.dir ?? '.');
    // The modeline lets yaml-language-server (VS Code's YAML extension and others) complete and check the file.
    const files = [
      [resolve(dir, 'ccb.yaml'), `# yaml-language-server: $schema=./ccb.schema.json\n${starterConfigYaml}`],
      [resolve(dir, '.env.example'), starterEnvExample],
      [resolve(dir, 'ccb.schema.json'), `${JSON.stringify(configJsonSchema(), null, 2)}\n`],
    ] as const;
    const existing = files.filter(([path]) => existsSync(path)).map(([path]) => path);
    if (existing.length > 0 && args.force !== true) {
      process.stderr.write(
        `ccb: ${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to overwrite\n`,
      );
      process.exit(1);
    }
    for (const [path, text] of files) await writeFile(path, text);
    consola.success(`wrote ${files.map(([path]) => path).join(', ')}`);
    consola.info(
      'next: copy .env.example to .env, fill in your keys, then run `ccb config check` and `ccb serve`',
    );
  },
});
