/** @ccb/router: strategies, tiers, model rules, session affinity, failover plans and provider health. Pure, no I/O. */

// The outcome a service reports after each attempt, and the classifier that makes one from an HTTP answer.
export {
  type AttemptOutcome,
  type BudgetReading,
  type BudgetReadings,
  classifyResponse,
  type FailureKind,
  type UnifiedReading,
  type UnifiedWindowReading,
  type UpstreamResponse,
} from '@ccb/protocol';
export {
  type AdjustableAffinityStore,
  type AffinityStore,
  createMemoryAffinityStore,
  type MemoryAffinityStoreOptions,
} from './affinity-store.js';
export { cost } from './cost.js';
export { createRouter } from './create-router.js';
export { createStrategy } from './create-strategy.js';
export type { HealthOptions } from './health-options.js';
export {
  type CircuitState,
  createHealthRecord,
  createMemoryHealthStore,
  type DeprioritizedReason,
  type HealthStore,
  type LastError,
  type OpenReason,
  type ProviderHealthRecord,
  type RateLimitClass,
} from './health-store.js';
export type { ModelRule, ModelRuleMatch } from './model-rule.js';
export { priority } from './priority.js';
export { createProbeScheduler, type ProbeScheduler, type ProbeSchedulerOptions } from './probe-scheduler.js';
export type { ProviderHealth, ProviderHealthReason } from './provider-health.js';
export { roundRobin } from './round-robin.js';
export type { PriceOf, RoutePlan, RouteRequest, UnsupportedRequest } from './route-request.js';
export type { RouteTarget } from './route-target.js';
export type { PlanRequest, Router, RouterOptions, RouterPlanner, RouterSettings } from './router.js';
export { RouterError, type RouterErrorCode, type RouterErrorOptions } from './router-error.js';
export type {
  BenchedEvent,
  DeprioritizedEvent,
  RateLimitEndedEvent,
  RateLimitedEvent,
  ReprioritizedEvent,
  RouterEvent,
  StateChangeEvent,
  StateChangeReason,
  UnbenchedEvent,
} from './router-event.js';
export type { RoutingCandidate, RoutingStrategy, StrategyName, StrategyOptions } from './routing-strategy.js';
export type { AffinityOptions, AffinityStats } from './session-affinity.js';
export { weighted } from './weighted.js';
