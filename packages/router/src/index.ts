/** @ccb/router: routing strategies, priority tiers, failover plans and provider health for CC-Balancer. Pure, no I/O. */
export type { AttemptOutcome, FailureKind } from './attempt-outcome.js';
export { createRouter, type PlanRequest, type Router, type RouterOptions } from './create-router.js';
export { createStrategy } from './create-strategy.js';
export type { HealthOptions } from './health-options.js';
export {
  type BudgetReading,
  type BudgetReadings,
  type CircuitState,
  createMemoryHealthStore,
  type DeprioritizedReason,
  type HealthStore,
  type LastError,
  type OpenReason,
  type ProviderHealthRecord,
  type RateLimitClass,
  type UnifiedReading,
  type UnifiedWindowReading,
} from './health-store.js';
export { compileModelGlobs, type ModelMatcher } from './model-glob.js';
export { priority } from './priority.js';
export { createProbeScheduler, type ProbeScheduler, type ProbeSchedulerOptions } from './probe-scheduler.js';
export type { ProviderHealth } from './provider-health.js';
export { roundRobin } from './round-robin.js';
export type { RouteTarget } from './route-target.js';
export { RouterError, type RouterErrorCode, type RouterErrorOptions } from './router-error.js';
export type {
  DeprioritizedEvent,
  RateLimitEndedEvent,
  RateLimitedEvent,
  ReprioritizedEvent,
  RouterEvent,
  StateChangeEvent,
  StateChangeReason,
} from './router-event.js';
export type { RoutingCandidate, RoutingStrategy, StrategyName, StrategyOptions } from './routing-strategy.js';
export { weighted } from './weighted.js';
