import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { applyHeapGrowth, heapGrowingFlag, heapGrowingPercent } from './heap-growth.js';

const run = promisify(execFile);

/**
 * The factors V8 sized the old generation with after full collections in a fresh node that set `flag` once it was
 * running, from `--trace-gc-verbose`. Up to V8 12 (Node 22) the limit line carries the factor applied
 * ("[HeapController] Limit: old size: 6836 KB, new limit: 24536 KB (3.0)") and the "factor … based on" line V8's own
 * choice before the flag; from V8 13 (Node 24) the limit line has no factor and the "factor" line the one applied.
 */
async function factorsAfterSettingAtRuntime(flag: string): Promise<string[]> {
  const script = [
    `require('node:v8').setFlagsFromString(${JSON.stringify(flag)});`,
    // Something that survives the collections, so the heap has a live size to grow from.
    'const kept = []; for (let i = 0; i < 100000; i++) kept.push({ i });',
    'globalThis.gc(); globalThis.gc();',
    'if (kept.length !== 100000) process.exit(1);',
  ].join('\n');
  const { stdout } = await run(process.execPath, ['--expose-gc', '--trace-gc-verbose', '-e', script], {
    timeout: 20_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const applied = [...stdout.matchAll(/\[HeapController\] Limit: .*\((\d+\.\d+)\)/g)];
  const lines =
    applied.length > 0 ? applied : [...stdout.matchAll(/\[HeapController\] factor (\d+\.\d+) based on/g)];
  return lines.map((match) => match[1] as string);
}

describe('heap growth', () => {
  it('is honoured by V8 when set in a running process, as ccb serve sets it', async () => {
    const ours = await factorsAfterSettingAtRuntime(heapGrowingFlag(heapGrowingPercent));
    expect(ours.length).toBeGreaterThan(0);
    expect(new Set(ours)).toEqual(new Set([(1 + heapGrowingPercent / 100).toFixed(1)]));
    // Another value gives other factors: the trace follows the flag, not a coincidence of V8's own choice.
    expect(new Set(await factorsAfterSettingAtRuntime(heapGrowingFlag(50)))).toEqual(new Set(['1.5']));
  });

  it("leaves node's own --heap-growing-percent in charge, however node accepts it", () => {
    for (const arg of ['--heap-growing-percent=50', '--heap_growing_percent=0', '-heap-growing-percent=50']) {
      const debug = vi.fn();
      const setFlags = vi.fn();
      expect(applyHeapGrowth({ debug }, { execArgv: ['--expose-gc', arg], setFlags })).toBe(false);
      expect(setFlags).not.toHaveBeenCalled();
      expect(debug).toHaveBeenCalledWith({ heap_growing_percent: 'node', node_arg: arg }, expect.any(String));
    }
  });

  it('sets its own otherwise, exactly the flag V8 honours above, and says so at debug level', () => {
    const debug = vi.fn();
    const setFlags = vi.fn();
    expect(
      applyHeapGrowth({ debug }, { execArgv: ['--expose-gc', '--max-old-space-size=512'], setFlags }),
    ).toBe(true);
    expect(setFlags.mock.calls).toEqual([['--heap-growing-percent=200']]);
    expect(debug).toHaveBeenCalledWith({ heap_growing_percent: heapGrowingPercent }, expect.any(String));
  });
});
