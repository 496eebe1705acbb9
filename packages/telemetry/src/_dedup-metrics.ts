import { Counter, type Registry } from 'prom-client';
import { Series } from './_series.js';
import { registerSeriesCounter } from './_series-counter.js';

/**
 * `dedup_requests_total{kind}`, `dedup_saved_tokens_total` and `dedup_saved_usd_total`: requests answered by another
 * identical request's upstream call, and what they did not spend again.
 */
export function registerDedupMetrics(registry: Registry, prefix: string) {
  const dedup = new Series(['kind']);
  const dedupCells = { joined: dedup.at('joined'), cached: dedup.at('cached') };
  registerSeriesCounter(
    registry,
    `${prefix}dedup_requests_total`,
    'Requests answered by another identical request’s upstream call: joined (in flight) or cached (a reused answer).',
    dedup,
  );
  // Rare events (a duplicate request), so plain counters.
  const savedTokens = new Counter({
    name: `${prefix}dedup_saved_tokens_total`,
    help: 'Tokens deduplicated requests did not spend again.',
    registers: [registry],
  });
  const savedUsd = new Counter({
    name: `${prefix}dedup_saved_usd_total`,
    help: 'What deduplicated requests did not cost again, in USD.',
    registers: [registry],
  });
  return { dedupCells, savedTokens, savedUsd };
}
