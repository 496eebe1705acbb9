import { setFlagsFromString } from 'node:v8';
import type { Output } from './output.js';

/**
 * How far V8 lets the old generation grow past what survived its last full collection, in percent, while ccb serves:
 * 200 makes the next full collection wait until the heap is 3 × that size.
 *
 * Left to itself V8 picks a factor of 1.1–4 from its collector's and the program's speeds, with at least 8 MB of
 * growth. Both ends cost a proxy (docs/performance.md item 30):
 * - under moderate streaming load it chose the 8 MB minimum, so every 8 MB that streams promoted started a full
 *   collection that marked the whole ~20 MB live heap, on V8's helper threads, which a CPU profile of the main thread
 *   does not show: at 100 concurrent Claude Code streams, about two a second;
 * - at 1 000 streams it chose 4, and peak RSS is about live × factor.
 * A fixed 3 means fewer full collections at moderate load and a lower peak at 1 000 streams.
 */
export const heapGrowingPercent = 200;

/** V8's flag as `node` takes it on its command line, with dashes or underscores. */
const heapGrowingFlag = /^--heap[-_]growing[-_]percent(?:=|$)/;

/**
 * Sets {@link heapGrowingPercent} for this process unless `node` was started with its own `--heap-growing-percent`,
 * which wins (`=0` restores V8's own choice). V8 reads the flag each time it sizes the heap after a full collection,
 * so setting it in a running process takes effect from the next one. Returns whether it set it.
 */
export function applyHeapGrowth(
  output: Pick<Output, 'debug'>,
  execArgv: readonly string[] = process.execArgv,
): boolean {
  if (execArgv.some((arg) => heapGrowingFlag.test(arg))) {
    output.debug({ heap_growing_percent: 'node' }, "V8 heap growth: node's own --heap-growing-percent");
    return false;
  }
  setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);
  output.debug(
    { heap_growing_percent: heapGrowingPercent },
    'V8 heap growth: 3 × the live heap between full collections',
  );
  return true;
}
