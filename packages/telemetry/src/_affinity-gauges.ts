import { Counter, Gauge, type Registry } from 'prom-client';

/** The router's session-affinity counters, as the gauges read them. */
export interface AffinityStatsLike {
  readonly sessions: number;
  readonly hits: number;
  readonly moves: number;
  readonly misses: number;
}

/**
 * Registers `affinity_sessions` and `affinity_decisions_total{decision}`, read from the router's session-affinity
 * counters at every scrape.
 */
export function registerAffinityGauges(
  registry: Registry,
  prefix: string,
  affinityStats: () => AffinityStatsLike,
): void {
  new Gauge({
    name: `${prefix}affinity_sessions`,
    help: 'Sessions bound to a provider for prompt-cache affinity.',
    registers: [registry],
    collect() {
      this.set(affinityStats().sessions);
    },
  });
  new Counter({
    name: `${prefix}affinity_decisions_total`,
    help: 'Affinity decisions: hit (served where the cache is warm), move (rebound elsewhere), miss (no binding).',
    labelNames: ['decision'],
    registers: [registry],
    collect() {
      const stats = affinityStats();
      this.reset();
      this.inc({ decision: 'hit' }, stats.hits);
      this.inc({ decision: 'move' }, stats.moves);
      this.inc({ decision: 'miss' }, stats.misses);
    },
  });
}
