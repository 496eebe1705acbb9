import { createHealthTracker, type HealthTracker } from './_health-tracker.js';
import { type PlanEntry, resolveTargets } from './_resolve-targets.js';
import type { AttemptOutcome } from './attempt-outcome.js';
import { createStrategy } from './create-strategy.js';
import { type HealthOptions, resolveHealthOptions } from './health-options.js';
import { createHealthRecord, createMemoryHealthStore, type HealthStore } from './health-store.js';
import { type ProviderHealth, toProviderHealth } from './provider-health.js';
import type { RouteTarget } from './route-target.js';
import { RouterError } from './router-error.js';
import type { RouterEvent } from './router-event.js';
import type { RoutingStrategy, StrategyName } from './routing-strategy.js';

/** Options of {@link createRouter}. */
export interface RouterOptions {
  /** The providers to route between, in configuration order (the order `priority` and ties follow). */
  readonly targets: readonly RouteTarget[];
  /** A built-in strategy name or your own {@link RoutingStrategy}. Default `'weighted'`. */
  readonly strategy?: StrategyName | RoutingStrategy;
  /** Circuit breaker, cool-downs and budget awareness; `false` turns health off entirely. Default `{}` (on). */
  readonly health?: HealthOptions | false;
  /** Where per-provider health lives. Default: a fresh {@link createMemoryHealthStore} per router. */
  readonly healthStore?: HealthStore;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Randomness in [0, 1) for the built-in strategies' tie-breaks. Default `Math.random`. */
  readonly random?: () => number;
  /** Receives health changes, once per change (never per request). Must not throw; throws are ignored. */
  readonly onEvent?: (event: RouterEvent) => void;
}

/** What the router needs to know about a request. */
export interface PlanRequest {
  /** The requested model; absent means the request matches every target. */
  readonly model?: string | undefined;
}

/** Plans the providers to try for each request and learns from the outcome of every attempt. */
export interface Router {
  /**
   * Ordered provider names for one request: the first choice, then the rest of its tier, then the fallback
   * tiers. Holds only enabled targets serving `request.model`, and only usable ones: a half-open provider's
   * single trial goes first in its tier, de-prioritized (low-budget) ones last. When every target serving the
   * model is unusable, holds the one whose cool-down ends soonest; empty only when none serves the model.
   * Call once per request: it advances the strategy and may take a half-open trial slot.
   */
  plan(request: PlanRequest): readonly string[];
  /** Records the outcome of one attempt against `name`. Unknown names are ignored (a report may race a reload). */
  report(name: string, outcome: AttemptOutcome): void;
  /**
   * Records a health probe: success closes an open or half-open circuit without waiting for a user request;
   * failure counts like a failed attempt. Unknown names are ignored.
   */
  reportProbe(name: string, ok: boolean): void;
  /** The configured targets (frozen copies), in configuration order. */
  targets(): readonly RouteTarget[];
  /** Health of every configured target, in configuration order. */
  snapshot(): readonly ProviderHealth[];
  /** Whether `plan()` would offer `name` now; `false` for unknown or disabled targets. */
  isUsable(name: string): boolean;
  /**
   * Operator reset: forgets everything about `name` (closes its circuit, ends any cool-down or spend-limit bench).
   * @throws {RouterError} `CCB_ROUTER_UNKNOWN_TARGET` for a name that is not configured.
   */
  reset(name: string): void;
}

/** Distinct model names cached with their filtered tiers; clients choose model names, so the cache is capped. */
const maxCachedModels = 256;

/**
 * Creates a router over `options.targets`.
 * @throws {RouterError} `CCB_ROUTER_INVALID_TARGET` for a malformed target list, `CCB_ROUTER_UNKNOWN_STRATEGY`
 * for an unknown strategy name, `CCB_ROUTER_INVALID_OPTIONS` for out-of-range health options.
 */
export function createRouter(options: RouterOptions): Router {
  const resolved = resolveTargets(options.targets);
  const strategy = resolveStrategy(options);
  const now = options.now ?? Date.now;
  const healthOptions = resolveHealthOptions(options.health === false ? {} : options.health);
  const tracker: HealthTracker | undefined =
    options.health === false
      ? undefined
      : createHealthTracker({
          options: healthOptions,
          store: options.healthStore ?? createMemoryHealthStore(),
          now,
          onEvent: options.onEvent,
        });
  const tiersByModel = new Map<string, readonly (readonly PlanEntry[])[]>();

  function tiersFor(model: string | undefined): readonly (readonly PlanEntry[])[] {
    if (model === undefined || !resolved.filtersModels) return resolved.tiers;
    let tiers = tiersByModel.get(model);
    if (tiers === undefined) {
      tiers = filterTiers(resolved.tiers, model);
      if (tiersByModel.size >= maxCachedModels) tiersByModel.clear();
      tiersByModel.set(model, tiers);
    }
    return tiers;
  }

  function appendOrdered(names: string[], entries: readonly PlanEntry[]): void {
    if (entries.length === 1) {
      names.push((entries[0] as PlanEntry).name);
      return;
    }
    for (const entry of strategy.order(entries)) names.push(entry.name);
  }

  function appendTier(
    names: string[],
    tier: readonly PlanEntry[],
    health: HealthTracker,
    nowInMs: number,
  ): void {
    let allUsable = true;
    for (const entry of tier) {
      if (health.availability(entry.name, nowInMs) !== 'usable') {
        allUsable = false;
        break;
      }
    }
    // The common case: nothing to filter, so no extra arrays.
    if (allUsable) {
      appendOrdered(names, tier);
      return;
    }
    let usable: PlanEntry[] | undefined;
    let demoted: PlanEntry[] | undefined;
    for (const entry of tier) {
      switch (health.availability(entry.name, nowInMs)) {
        case 'usable':
          usable ??= [];
          usable.push(entry);
          break;
        case 'trial':
          // The single half-open trial goes first so that it is really attempted, not left as an unused fallback.
          names.push(entry.name);
          health.beginTrial(entry.name, nowInMs);
          break;
        case 'deprioritized':
          demoted ??= [];
          demoted.push(entry);
          break;
        case 'unavailable':
          break;
      }
    }
    if (usable !== undefined) appendOrdered(names, usable);
    if (demoted === undefined) return;
    // Demoted targets keep configuration order behind the others, leaving the strategy's turns undisturbed;
    // only a tier of nothing but demoted targets shares its traffic by the strategy.
    if (usable === undefined) appendOrdered(names, demoted);
    else for (const entry of demoted) names.push(entry.name);
  }

  /** A broken breaker must never make things worse than no breaker: offer the provider back soonest. */
  function soonestAvailable(
    tiers: readonly (readonly PlanEntry[])[],
    health: HealthTracker,
    nowInMs: number,
  ): string | undefined {
    let soonest: string | undefined;
    let soonestAt = Number.POSITIVE_INFINITY;
    for (const tier of tiers) {
      for (const entry of tier) {
        const availableAt = health.availableAt(entry.name, nowInMs);
        if (availableAt < soonestAt) {
          soonest = entry.name;
          soonestAt = availableAt;
        }
      }
    }
    return soonest;
  }

  return {
    plan(request) {
      const tiers = tiersFor(request.model);
      const names: string[] = [];
      if (tracker === undefined) {
        for (const tier of tiers) appendOrdered(names, tier);
        return names;
      }
      const nowInMs = now();
      for (const tier of tiers) appendTier(names, tier, tracker, nowInMs);
      if (names.length === 0) {
        const fallback = soonestAvailable(tiers, tracker, nowInMs);
        if (fallback !== undefined) names.push(fallback);
      }
      return names;
    },
    report(name, outcome) {
      if (tracker !== undefined && resolved.entriesByName.has(name)) tracker.report(name, outcome);
    },
    reportProbe(name, ok) {
      if (tracker !== undefined && resolved.entriesByName.has(name)) tracker.reportProbe(name, ok);
    },
    targets() {
      return resolved.targets;
    },
    snapshot() {
      const nowInMs = now();
      return resolved.targets.map(({ name, enabled = true }) =>
        tracker === undefined
          ? toProviderHealth(name, createHealthRecord(), enabled, nowInMs, healthOptions)
          : tracker.snapshot(name, enabled),
      );
    },
    isUsable(name) {
      const entry = resolved.entriesByName.get(name);
      if (entry === undefined || !entry.enabled) return false;
      return tracker === undefined || tracker.availability(name, now()) !== 'unavailable';
    },
    reset(name) {
      if (!resolved.entriesByName.has(name)) {
        throw new RouterError(
          'CCB_ROUTER_UNKNOWN_TARGET',
          `Cannot reset provider ${JSON.stringify(name)}: no such target. Configured: ${[...resolved.entriesByName.keys()].join(', ') || '(none)'}.`,
        );
      }
      tracker?.reset(name);
    },
  };
}

function resolveStrategy(options: RouterOptions): RoutingStrategy {
  const strategy = options.strategy ?? 'weighted';
  if (typeof strategy !== 'string') {
    if (typeof strategy?.order !== 'function') {
      throw new RouterError(
        'CCB_ROUTER_UNKNOWN_STRATEGY',
        'The router strategy must be a strategy name or an object with an order(candidates) method.',
      );
    }
    return strategy;
  }
  return createStrategy(strategy, options.random === undefined ? {} : { random: options.random });
}

function filterTiers(
  tiers: readonly (readonly PlanEntry[])[],
  model: string,
): readonly (readonly PlanEntry[])[] {
  const filtered: (readonly PlanEntry[])[] = [];
  for (const tier of tiers) {
    const serving = tier.filter((entry) => entry.matchesModel === undefined || entry.matchesModel(model));
    if (serving.length > 0) filtered.push(serving);
  }
  return filtered;
}
