import { setFlagsFromString } from 'node:v8';
import type { Output } from './output.js';

/**
 * How far V8 lets the old generation grow past what survived its last full collection, in percent, while ccb serves:
 * 200 makes the next full collection wait until the heap is 3 × that size.
 *
 * Left to itself V8 picks a factor of 1.1–4 from its collector's and the program's speeds, with at least 8 MB of
 * growth. Both ends cost a proxy (docs/performance.md item 30):
 * - under moderate streaming load it chose the 8 MB minimum, so every 8 MB that streams promoted started a full
 *   collection that marked the whole ~20 MB live heap, mostly on V8's helper threads, which a CPU profile of the main
 *   thread does not show: at 100 concurrent Claude Code streams, two to three a second;
 * - at 1 000 streams it chose 4, and peak RSS is about live × factor.
 * A fixed 3 means fewer full collections at moderate load and a lower peak at 1 000 streams. It also replaces the
 * smaller factors V8 would pick under memory pressure or near `--max-old-space-size`; `node --heap-growing-percent=0`
 * gives V8 its own choice back.
 */
export const heapGrowingPercent = 200;

/** The V8 flag that sets `percent`, as `v8.setFlagsFromString` and node's command line take it. */
export function heapGrowingFlag(percent: number): string {
  return `--heap-growing-percent=${percent}`;
}

/** The flag on node's command line, which takes one dash or two and dashes or underscores (and needs a value). */
const givenToNode = /^--?heap[-_]growing[-_]percent=/;

export interface HeapGrowthOptions {
  /** node's own arguments; `NODE_OPTIONS` cannot carry this flag (node refuses to start). */
  readonly execArgv?: readonly string[];
  /** Where the flag goes: V8 itself, unless a test listens instead. */
  readonly setFlags?: (flags: string) => void;
}

/**
 * Sets {@link heapGrowingPercent} for this process unless `node` was started with its own `--heap-growing-percent`,
 * which wins. V8 reads the flag each time it sizes the heap after a full collection, so setting it in a running
 * process takes effect from the next one. Says which at debug level; returns whether it set it.
 */
export function applyHeapGrowth(output: Pick<Output, 'debug'>, options: HeapGrowthOptions = {}): boolean {
  const given = (options.execArgv ?? process.execArgv).find((arg) => givenToNode.test(arg));
  if (given !== undefined) {
    output.debug({ heap_growing_percent: 'node', node_arg: given }, "V8 heap growth: node's own setting");
    return false;
  }
  (options.setFlags ?? setFlagsFromString)(heapGrowingFlag(heapGrowingPercent));
  output.debug(
    { heap_growing_percent: heapGrowingPercent },
    `V8 heap growth: ${1 + heapGrowingPercent / 100} × the live heap between full collections`,
  );
  return true;
}
