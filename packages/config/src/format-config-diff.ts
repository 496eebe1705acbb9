import type { ConfigChange } from './config-change.js';

/**
 * The changes as one block to log: one summary per line, in the order given; `no changes` when there are none.
 */
export function formatConfigDiff(changes: readonly ConfigChange[]): string {
  return changes.length === 0 ? 'no changes' : changes.map((change) => change.summary).join('\n');
}
