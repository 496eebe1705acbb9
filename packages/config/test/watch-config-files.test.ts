import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConfigFilesWatcher, watchConfigFiles } from '../src/watch-config-files.js';

/** The debounce window of these tests; also how long a test waits to be sure that no further call comes. */
// Wide enough that the writes of one burst land within it on a loaded machine.
const debounceInMs = 400;
/** Bound on waiting for a call that must come; under vitest's own 5 s per test. */
const callTimeoutInMs = 3_000;

let folder: string;
let watcher: ConfigFilesWatcher | undefined;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ccb-watch-'));
});

afterEach(async () => {
  watcher?.close();
  watcher = undefined;
  await rm(folder, { recursive: true, force: true });
});

/**
 * Watches `files`, recording each call; `next()` (one at a time) resolves with the next call not yet taken, or fails
 * after a bound.
 */
function watchCalls(files: string[]) {
  const calls: string[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  watcher = watchConfigFiles(
    files,
    (file) => {
      calls.push(file);
      wake?.();
    },
    { debounceInMs },
  );
  return {
    calls,
    async next(): Promise<string> {
      const deadline = Date.now() + callTimeoutInMs;
      while (calls.length <= taken) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`no change reported within ${callTimeoutInMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return calls[taken++] as string;
    },
    /** Waits two debounce windows: a call still pending would have come by then. */
    settle: () => delay(2 * debounceInMs),
  };
}

describe('watchConfigFiles', () => {
  it('reports a plain write once, however many events it took', async () => {
    const file = join(folder, 'ccb.yaml');
    await writeFile(file, 'a: 1\n');
    const watched = watchCalls([file]);
    await writeFile(file, 'a: 2\n');
    await writeFile(file, 'a: 3\n');
    await writeFile(file, 'a: 4\n');
    expect(await watched.next()).toBe(file);
    await watched.settle();
    expect(watched.calls).toEqual([file]);
  });

  it('reports an editor-style save: a temporary file renamed over the watched one, again and again', async () => {
    const file = join(folder, 'ccb.yaml');
    await writeFile(file, 'a: 1\n');
    const watched = watchCalls([file]);
    for (const version of [2, 3]) {
      const temporary = join(folder, `.ccb.yaml.${version}.tmp`);
      await writeFile(temporary, `a: ${version}\n`);
      await rename(temporary, file);
      // The watch must survive the replacement of the file it was started on.
      expect(await watched.next()).toBe(file);
    }
    await watched.settle();
    expect(watched.calls).toEqual([file, file]);
  });

  it('tolerates a file that is missing for a while, or not there yet', async () => {
    const file = join(folder, 'ccb.yaml');
    const later = join(folder, '.env');
    await writeFile(file, 'a: 1\n');
    const watched = watchCalls([file, later]);
    await rm(file);
    await writeFile(file, 'a: 2\n');
    expect(await watched.next()).toBe(file);
    await writeFile(later, 'KEY=1\n');
    expect(await watched.next()).toBe(later);
  });

  it('reports each file of a burst once, by the name it was given, and ignores other files', async () => {
    const other = join(folder, 'other');
    await mkdir(other);
    const config = join(folder, 'ccb.yaml');
    const dotenv = join(folder, '.env');
    const prices = join(other, 'prices.yaml');
    const watched = watchCalls([config, dotenv, prices]);
    await writeFile(join(folder, 'unrelated.yaml'), 'x\n');
    await writeFile(join(other, 'ccb.yaml'), 'x\n');
    await writeFile(config, 'a: 1\n');
    await writeFile(dotenv, 'KEY=1\n');
    await writeFile(prices, '[]\n');
    for (let call = 0; call < 3; call++) await watched.next();
    await watched.settle();
    expect([...watched.calls].sort()).toEqual([dotenv, config, prices].sort());
  });

  it('stops calling once closed, even with a call pending', async () => {
    const file = join(folder, 'ccb.yaml');
    const watched = watchCalls([file]);
    await writeFile(file, 'a: 1\n');
    watcher?.close();
    await writeFile(file, 'a: 2\n');
    await watched.settle();
    expect(watched.calls).toEqual([]);
  });

  it('throws when a folder cannot be watched', () => {
    expect(() => watchConfigFiles([join(folder, 'missing', 'ccb.yaml')], () => {})).toThrow(/ENOENT/);
  });
});
