import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { starterConfigYaml, starterEnvExample } from '@ccb/config';
import { defineCommand } from 'citty';
import { consola } from 'consola';

export const initCommand = defineCommand({
  meta: { name: 'init', description: 'Write a commented starter ccb.yaml and .env.example' },
  args: {
    dir: { type: 'string', description: 'Folder to write into (default: the current folder)' },
    force: { type: 'boolean', description: 'Overwrite existing files' },
  },
  async run({ args }) {
    const dir = resolve(args.dir ?? '.');
    const files = [
      [resolve(dir, 'ccb.yaml'), starterConfigYaml],
      [resolve(dir, '.env.example'), starterEnvExample],
    ] as const;
    const existing = files.filter(([path]) => existsSync(path)).map(([path]) => path);
    if (existing.length > 0 && args.force !== true) {
      process.stderr.write(
        `ccb: ${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to overwrite\n`,
      );
      process.exit(1);
    }
    for (const [path, text] of files) await writeFile(path, text);
    consola.success(`wrote ${files.map(([path]) => path).join(' and ')}`);
    consola.info(
      'next: copy .env.example to .env, fill in your keys, then run `ccb config check` and `ccb serve`',
    );
  },
});
