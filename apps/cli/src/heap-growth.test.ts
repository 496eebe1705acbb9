import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { applyHeapGrowth, heapGrowingPercent } from './heap-growth.js';

const run = promisify(execFile);

/**
 * The factors V8 sized the old generation with after full collections in a fresh node that set
 * `--heap-growing-percent=<percent>` once it was running, as `--trace-gc-verbose` prints each new limit
 * ("[HeapController] Limit: old size: 6836 KB, new limit: 24536 KB (3.0)"). Its "factor … based on" lines show V8's
 * own choice, before the flag overrides it.
 */
async function factorsAfterSettingAtRuntime(percent: number): Promise<string[]> {
  const script = [
    `require('node:v8').setFlagsFromString('--heap-growing-percent=${percent}');`,
    // Something that survives the collections, so the heap has a live size to grow from.
    'const kept = []; for (let i = 0; i < 100000; i++) kept.push({ i });',
    'globalThis.gc(); globalThis.gc();',
    'if (kept.length !== 100000) process.exit(1);',
  ].join('\n');
  const { stdout } = await run(process.execPath, ['--expose-gc', '--trace-gc-verbose', '-e', script], {
    timeout: 20_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return [...stdout.matchAll(/\[HeapController\] Limit: .*\((\d+\.\d+)\)/g)].map(
    (match) => match[1] as string,
  );
}

describe('heap growth', () => {
  it('is honoured by V8 when set in a running process, as ccb serve sets it', async () => {
    const ours = await factorsAfterSettingAtRuntime(heapGrowingPercent);
    expect(ours.length).toBeGreaterThan(0);
    expect(new Set(ours)).toEqual(new Set([(1 + heapGrowingPercent / 100).toFixed(1)]));
    // Another value gives other factors: the trace follows the flag, not a coincidence of V8's own choice.
    expect(new Set(await factorsAfterSettingAtRuntime(50))).toEqual(new Set(['1.5']));
  });

  it("leaves node's own --heap-growing-percent in charge, however it is spelled", () => {
    for (const arg of ['--heap-growing-percent=50', '--heap_growing_percent=0', '--heap-growing-percent']) {
      const debug = vi.fn();
      expect(applyHeapGrowth({ debug }, ['--expose-gc', arg])).toBe(false);
      expect(debug).toHaveBeenCalledWith({ heap_growing_percent: 'node' }, expect.any(String));
    }
  });

  it('sets its own otherwise, and says so at debug level', () => {
    const debug = vi.fn();
    expect(applyHeapGrowth({ debug }, ['--expose-gc', '--heap-growing'])).toBe(true);
    expect(debug).toHaveBeenCalledWith({ heap_growing_percent: heapGrowingPercent }, expect.any(String));
  });
});
