/** What a strategy needs to know about a candidate; the router passes richer objects that extend it. */
export interface RoutingCandidate {
  /** Unique provider name; strategies key their state by it, so state survives changing candidate sets. */
  readonly name: string;
  /** Positive relative share of traffic (the `weighted` and `cost` strategies read it). */
  readonly weight: number;
  /**
   * Effective price of the request's model at this provider, in USD per million tokens, when the router was
   * given `priceOf` (only the `cost` strategy reads it). Absent = unknown, ranked as the most expensive.
   */
  readonly price?: number | undefined;
}

/**
 * Orders the candidates of one tier. Implementations are stateful (a strategy instance belongs to one router)
 * and must stay cheap: `order` runs on every request.
 */
export interface RoutingStrategy {
  /** Shown in logs and snapshots, e.g. `weighted`. */
  readonly name: string;
  /**
   * Returns a new array holding exactly the given candidates, first choice first, then the rest in the order
   * they should be tried. Advances the strategy's state once per call. Never mutates `candidates`, which
   * arrive in configuration order; may be called with an empty list.
   */
  order<Candidate extends RoutingCandidate>(candidates: readonly Candidate[]): Candidate[];
  /**
   * Returns the order `order()` would return now, without advancing any state. The router uses it for plans
   * whose first choice comes from session affinity, so that sticky sessions do not take other sessions' turns.
   * Optional: without it those plans list the other candidates in configuration order.
   */
  peek?<Candidate extends RoutingCandidate>(candidates: readonly Candidate[]): Candidate[];
}

/** Names of the built-in strategies. */
export type StrategyName = 'round-robin' | 'weighted' | 'priority' | 'cost';

/** Options shared by the built-in strategy factories. */
export interface StrategyOptions {
  /**
   * Source of randomness in [0, 1), read once per newly seen candidate to break ties between equal candidates,
   * so that freshly started instances do not all send their first request to the same provider.
   * Default `Math.random`; inject a fixed sequence for reproducible orders (`() => 0` gives configuration order).
   */
  readonly random?: () => number;
}
