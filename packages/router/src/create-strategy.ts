import { cost } from './cost.js';
import { priority } from './priority.js';
import { roundRobin } from './round-robin.js';
import { RouterError } from './router-error.js';
import type { RoutingStrategy, StrategyName, StrategyOptions } from './routing-strategy.js';
import { weighted } from './weighted.js';

const strategyNames: readonly StrategyName[] = ['round-robin', 'weighted', 'priority', 'cost'];

/**
 * Creates a built-in strategy by name (as written in configuration).
 * @throws {RouterError} `CCB_ROUTER_UNKNOWN_STRATEGY` for any other name.
 */
export function createStrategy(name: StrategyName, options: StrategyOptions = {}): RoutingStrategy {
  switch (name) {
    case 'round-robin':
      return roundRobin(options);
    case 'weighted':
      return weighted(options);
    case 'priority':
      return priority();
    case 'cost':
      return cost(options);
    default:
      throw new RouterError(
        'CCB_ROUTER_UNKNOWN_STRATEGY',
        `Unknown routing strategy ${JSON.stringify(name)}. Use one of: ${strategyNames.join(', ')}, or pass an object implementing RoutingStrategy.`,
      );
  }
}
