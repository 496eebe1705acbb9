import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

/**
 * The built JavaScript ccb loads: every package's bundle and the CLI's chunks. A package without its `dist/index.js`
 * fails the test rather than being skipped: the check must not pass by reading nothing.
 */
async function builtSources(): Promise<string[]> {
  const folders = (await readdir(join(root, 'packages'))).map((name) => join(root, 'packages', name, 'dist'));
  folders.push(join(root, 'apps/cli/dist'));
  const files: string[] = [];
  for (const folder of folders) {
    const names = await readdir(folder);
    expect(names.includes('index.js') || names.includes('cli.js'), `${folder} holds no build`).toBe(true);
    for (const name of names) if (name.endsWith('.js')) files.push(join(folder, name));
  }
  return files;
}

describe('the built sources', () => {
  // V8 keeps each module's source text for as long as the process runs (functions compile on first call), and one
  // character beyond Latin-1 makes it hold the whole file at two bytes per character: the proxy's bundle took
  // 300 KB instead of 150 for three ellipses in the comments the bundler keeps (JSDoc on class members and on
  // object properties).
  it('are Latin-1, so V8 holds them one byte per character', async () => {
    const files = await builtSources();
    const wide: string[] = [];
    for (const file of files) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, index) => {
        if ([...line].some((character) => (character.codePointAt(0) as number) > 0xff)) {
          wide.push(`${file.slice(root.length + 1)}:${index + 1}: ${line.trim()}`);
        }
      });
    }
    expect(wide).toEqual([]);
  });
});
