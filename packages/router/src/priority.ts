import type { RoutingCandidate, RoutingStrategy } from './routing-strategy.js';

/**
 * Priority (active/passive): always the first usable candidate in configuration order, the others as
 * fallbacks in that same order. Stateless; it takes no options because nothing is left to chance.
 */
export function priority(): RoutingStrategy {
  return {
    name: 'priority',
    order<Candidate extends RoutingCandidate>(candidates: readonly Candidate[]): Candidate[] {
      return candidates.slice();
    },
    peek<Candidate extends RoutingCandidate>(candidates: readonly Candidate[]): Candidate[] {
      return candidates.slice();
    },
  };
}
