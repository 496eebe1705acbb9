/** @ccb/router/testing: the conformance suite every routing strategy must pass, for vitest (an optional peer). */
export {
  describeStrategyConformance,
  type StrategyConformanceCase,
  seededRandom,
} from './strategy-conformance.js';
