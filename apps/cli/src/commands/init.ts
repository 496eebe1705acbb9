import { existsSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { configJsonSchema, starterConfigYaml, starterEnvExample } from '@ccb/config';
import { defineCommand } from 'citty';
import { consola } from 'consola';
import { CliError } from '../cli-error.js';

export const initCommand = defineCommand({
  meta: { name: 'init', description: 'Write a commented starter ccb.yaml, .env.example and ccb.schema.json' },
  args: {
    dir: { type: 'string', description: 'Folder to write into (default: the current folder)' },
    force: { type: 'boolean', description: 'Overwrite existing files' },
  },
  async run({ args }) {
    const dir = resolve(args.dir ?? '.');
    await requireFolder(dir);
    // The modeline lets yaml-language-server (VS Code's YAML extension and others) complete and check the file.
    const files = [
      [resolve(dir, 'ccb.yaml'), `# yaml-language-server: $schema=./ccb.schema.json\n${starterConfigYaml}`],
      [resolve(dir, '.env.example'), starterEnvExample],
      [resolve(dir, 'ccb.schema.json'), `${JSON.stringify(configJsonSchema(), null, 2)}\n`],
    ] as const;
    const existing = files.filter(([path]) => existsSync(path)).map(([path]) => path);
    if (existing.length > 0 && args.force !== true) {
      throw new CliError(
        `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to overwrite`,
      );
    }
    for (const [path, text] of files) await writeFile(path, text);
    consola.success(`wrote ${files.map(([path]) => path).join(', ')}`);
    consola.info(
      'next: copy .env.example to .env, fill in your keys, then run `ccb config check` and `ccb serve`',
    );
  },
});

/** `--dir` must name an existing folder: creating one silently would hide a typo in the path. */
async function requireFolder(dir: string): Promise<void> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(dir)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    throw new CliError(
      `--dir ${dir} does not exist; create it first (mkdir -p ${dir}) or choose another folder`,
      {
        cause: error,
      },
    );
  }
  if (!isFolder) throw new CliError(`--dir ${dir} is a file, not a folder; choose a folder to write into`);
}
