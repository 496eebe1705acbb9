import type { AttemptOutcome } from '@ccb/protocol';
import type { AdjustableAffinityStore, AffinityStore } from './affinity-store.js';
import type { HealthOptions } from './health-options.js';
import type { HealthStore } from './health-store.js';
import type { ModelRule } from './model-rule.js';
import type { ProviderHealth } from './provider-health.js';
import type { PriceOf, RoutePlan, RouteRequest } from './route-request.js';
import type { RouteTarget } from './route-target.js';
import type { RouterEvent } from './router-event.js';
import type { RoutingStrategy, StrategyName } from './routing-strategy.js';
import type { AffinityOptions, AffinityStats } from './session-affinity.js';

/** Options of `createRouter`. */
export interface RouterOptions {
  /** The providers to route between, in configuration order (the order `priority` and ties follow). */
  readonly targets: readonly RouteTarget[];
  /** A built-in strategy name or your own {@link RoutingStrategy}. Default `'weighted'`. */
  readonly strategy?: StrategyName | RoutingStrategy;
  /** Circuit breaker, cool-downs and budget awareness; `false` turns health off entirely. Default `{}` (on). */
  readonly health?: HealthOptions | false;
  /** Where per-provider health lives. Default: a fresh `createMemoryHealthStore` per router. */
  readonly healthStore?: HealthStore;
  /**
   * Effective price of `model` at `provider` in USD per million tokens (`undefined` = unknown = most
   * expensive), read by the `cost` strategy. Called once per provider and model (the model sent, after rules);
   * results are cached with the model's tiers, so it must be pure. Default: no prices.
   */
  readonly priceOf?: PriceOf;
  /** Model rules, evaluated in order before provider selection; the first match wins. Default none. */
  readonly rules?: readonly ModelRule[];
  /** Session affinity (prompt-cache aware); `false` turns it off. Default `{}` (on, 1 h TTL, 10 000 sessions). */
  readonly affinity?: AffinityOptions | false;
  /**
   * Where session bindings live. Default: a memory store sized by `affinity` (`createMemoryAffinityStore`). A store
   * with `setLimits` and `forgetProvider` (an {@link AdjustableAffinityStore}, e.g. a shared replica) takes the
   * `affinity` limits and forgets removed providers' bindings as the router's own store does.
   */
  readonly affinityStore?: AffinityStore;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Randomness in [0, 1) for the built-in strategies' tie-breaks. Default `Math.random`. */
  readonly random?: () => number;
  /** Receives health changes, once per change (never per request). Must not throw; throws are ignored. */
  readonly onEvent?: (event: RouterEvent) => void;
}

/**
 * What `reconfigure()` may change: every {@link RouterOptions} field except the stores, the clock, randomness and
 * the event sink, which stay those given to `createRouter`.
 */
export type RouterSettings = Pick<
  RouterOptions,
  'targets' | 'strategy' | 'health' | 'priceOf' | 'rules' | 'affinity'
>;

/** What `plan()` needs to know about a request (the same as {@link RouteRequest}). */
export type PlanRequest = RouteRequest;

/** Plans the providers to try for each request and learns from the outcome of every attempt. */
export interface Router {
  /**
   * Routes one request: applies the first matching model rule (group, model rewrite), then orders the
   * providers. Holds only enabled targets serving the model sent, and only usable ones: a session's bound
   * provider first (affinity), else the strategy's choice; a half-open provider's single trial first in its
   * tier, de-prioritized (low-budget) ones last. When every candidate is unusable, holds the one whose
   * cool-down or bench ends soonest; empty only when none serves the model. Call once per request: it
   * advances the strategy (unless affinity chose) and may take a half-open trial slot.
   */
  route(request: RouteRequest): RoutePlan;
  /** `route(request).providers`, without allocating the plan object. */
  plan(request: PlanRequest): readonly string[];
  /**
   * Records the outcome of one attempt against `name`. Pass the routed `request` so that a success binds its
   * session to `name`. Unknown names are ignored (a report may race a reload). A 403 `permission_error` with
   * `x-should-retry: false` from an `oauth` subscription target bans it: it leaves every plan (`reason: 'banned'`,
   * one `benched` event with the upstream's message) until `reset()` or `unbench()`.
   */
  report(name: string, outcome: AttemptOutcome, request?: RouteRequest): void;
  /**
   * Records a health probe: success closes an open or half-open circuit without waiting for a user request;
   * failure counts like a failed attempt. Unknown names are ignored.
   */
  reportProbe(name: string, ok: boolean): void;
  /** The configured targets (frozen copies), in configuration order. */
  targets(): readonly RouteTarget[];
  /** Health of every configured target, in configuration order. */
  snapshot(): readonly ProviderHealth[];
  /** Whether `plan()` would offer `name` now; `false` for unknown, disabled or benched targets. */
  isUsable(name: string): boolean;
  /**
   * Operator reset: forgets everything health knows about `name` (closes its circuit, ends any cool-down or
   * spend-limit bench) and lifts a subscription account's ban. A `bench()` stays: lift it with `unbench()`.
   * @throws {RouterError} `CCB_ROUTER_UNKNOWN_TARGET` for a name that is not configured.
   */
  reset(name: string): void;
  /**
   * Leaves `name` out of plans until `untilInMs` (ms epoch; `Infinity` = until `unbench`), e.g. when it exceeded
   * its spend budget. It shows in `snapshot()` with `reason` and `coolingDownUntil`, takes part in the
   * all-unusable fallback like a cool-down, and emits one `benched` event. A deadline already past unbenches.
   * @param reason Shown in snapshots and events. Default `'budget'`.
   * @throws {RouterError} `CCB_ROUTER_UNKNOWN_TARGET` for a name that is not configured,
   * `CCB_ROUTER_INVALID_OPTIONS` for a `untilInMs` that is not a number.
   */
  bench(name: string, untilInMs: number, reason?: string): void;
  /**
   * Lifts a bench at once (emits `unbenched`); no-op when `name` is not benched.
   * @throws {RouterError} `CCB_ROUTER_UNKNOWN_TARGET` for a name that is not configured.
   */
  unbench(name: string): void;
  /** Affinity counters for metrics, counted since the router was created; all zero while affinity is off. */
  affinityStats(): AffinityStats;
  /**
   * Swaps the routing configuration atomically (a config reload, an operator's disable, drain, weight or priority
   * change). The settings replace the current ones whole: an omitted field takes its `createRouter` default.
   * Validates everything first and on a throw leaves the router exactly as it was. Plans made afterwards use the
   * new settings; a plan already handed out is unaffected, and reports for its providers still count.
   *
   * What survives: the health (circuit, failures, cool-downs, budget readings) and benches of every provider whose
   * name remains, even when its weight, priority, `enabled` or `models` change; session bindings to those
   * providers (a binding to a disabled one is not followed, so its sessions move); the strategy's turns when the
   * built-in strategy name (or the strategy object) is unchanged; the stores given to `createRouter`; the affinity
   * counters. A provider that is no longer configured is forgotten: its health record is deleted from the health
   * store, its bench dropped (without an `unbenched` event) and, in the router's own affinity store, its bindings;
   * added back later, it starts fresh.
   * @throws {RouterError} the same codes as `createRouter`: `CCB_ROUTER_INVALID_TARGET`,
   * `CCB_ROUTER_UNKNOWN_STRATEGY`, `CCB_ROUTER_INVALID_OPTIONS`, `CCB_ROUTER_INVALID_RULE`.
   */
  reconfigure(settings: RouterSettings): void;
  /**
   * The first half of {@link reconfigure}: validates and compiles `settings` without changing anything, so that a
   * caller swapping several parts at once can check them all before any is swapped. `planner` plans with the new
   * settings already (hand it to whatever will route once they are in force); `commit()` puts them in force, as
   * `reconfigure` would, and makes `planner` what `planner()` returns. Dropping the result changes nothing.
   * @throws {RouterError} the same codes as `reconfigure`.
   */
  prepare(settings: RouterSettings): { readonly planner: RouterPlanner; commit(): void };
  /**
   * A planner bound to the settings in force now: its plans keep using them after a later `reconfigure`, so a request
   * that took it when it started is planned by the configuration it started on (its rules, weights, targets), while
   * health and affinity stay shared. Reports for a provider the router no longer knows are ignored. The same object
   * is returned until the next `reconfigure`.
   */
  planner(): RouterPlanner;
}

/** Plans with one set of settings: what {@link Router.planner} returns. */
export interface RouterPlanner extends Pick<Router, 'route' | 'plan' | 'report'> {
  /**
   * Whether some enabled target of these settings is an `oauth` subscription: only then does
   * `RouteRequest.fromClaudeCode` change a plan, so a caller may leave it out otherwise.
   */
  readonly hasOAuthTargets: boolean;
}
