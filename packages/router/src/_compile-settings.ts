import { type CandidateTiers, createCandidateTiers, type Tier } from './_candidate-tiers.js';
import { type CompiledModelRule, compileModelRules } from './_compile-model-rules.js';
import { createHealthTracker, type HealthTracker } from './_health-tracker.js';
import { createPlanner, type Planner } from './_planner.js';
import { type ResolvedTargets, resolveTargets } from './_resolve-targets.js';
import type { RouterState } from './_router-state.js';
import { createStrategy } from './create-strategy.js';
import { type ResolvedHealthOptions, resolveHealthOptions } from './health-options.js';
import type { RouterSettings } from './router.js';
import { RouterError } from './router-error.js';
import type { RoutingStrategy, StrategyName } from './routing-strategy.js';
import { type AffinityLimits, resolveAffinityLimits } from './session-affinity.js';

/**
 * Everything a router derives from its {@link RouterSettings}, validated and precomputed. A router holds one
 * and `reconfigure()` replaces it by one assignment; what the router learns lives in its {@link RouterState}.
 */
export interface CompiledSettings {
  readonly targets: ResolvedTargets;
  /** What `strategy` was made from: an unchanged built-in name keeps the instance, and with it the turns. */
  readonly strategySource: StrategyName | RoutingStrategy;
  readonly strategy: RoutingStrategy;
  readonly healthOptions: ResolvedHealthOptions;
  /** `undefined` when health is off. */
  readonly tracker: HealthTracker | undefined;
  readonly rules: readonly CompiledModelRule[];
  /** `undefined` when affinity is off. */
  readonly affinityLimits: AffinityLimits | undefined;
  readonly planner: Planner;
}

/**
 * Validates `settings` and builds what plans need, changing nothing in `state`: a throw leaves the router as it
 * was. `previous` (the settings in force, if any) lends its strategy instance when the strategy is unchanged.
 * @throws {RouterError} `CCB_ROUTER_INVALID_TARGET`, `CCB_ROUTER_UNKNOWN_STRATEGY`, `CCB_ROUTER_INVALID_OPTIONS`
 * (health or affinity) or `CCB_ROUTER_INVALID_RULE`, checked in that order.
 */
export function compileSettings(
  settings: RouterSettings,
  state: RouterState,
  previous: CompiledSettings | undefined,
): CompiledSettings {
  const targets = resolveTargets(settings.targets);
  const strategySource = settings.strategy ?? 'weighted';
  const strategy =
    previous !== undefined && typeof strategySource === 'string' && previous.strategySource === strategySource
      ? previous.strategy
      : resolveStrategy(strategySource, state.random);
  const healthOptions = resolveHealthOptions(settings.health === false ? {} : settings.health);
  const affinityLimits = resolveAffinityLimits(settings.affinity);
  const rules = compileModelRules(settings.rules, new Set(targets.entriesByName.keys()));

  // The tracker keeps nothing but its options: the records live in the store, so a new one takes over as is.
  const tracker =
    settings.health === false
      ? undefined
      : createHealthTracker({
          options: healthOptions,
          store: state.healthStore,
          now: state.now,
          onEvent: state.onEvent,
        });
  const allCandidates = createCandidateTiers(targets.tiers, settings.priceOf);
  const ruleCandidates: readonly (CandidateTiers | undefined)[] = rules.map((rule) =>
    rule.providers === undefined
      ? undefined
      : createCandidateTiers(groupTiers(targets.tiers, rule.providers), settings.priceOf),
  );
  const planner = createPlanner({
    strategy,
    tracker,
    benches: state.benches,
    affinity: affinityLimits === undefined ? undefined : state.affinity,
    rules,
    allCandidates,
    ruleCandidates,
    now: state.now,
    hasSubscriptions: targets.hasSubscriptions,
    hasOAuth: targets.hasOAuth,
    capabilityGaps: targets.capabilityGaps,
    domains: targets.multipleDomains ? targets.entriesByName : undefined,
  });
  return { targets, strategySource, strategy, healthOptions, tracker, rules, affinityLimits, planner };
}

/** `tiers` restricted to a rule's provider group, keeping tiers and configuration order. */
function groupTiers(tiers: readonly Tier[], group: ReadonlySet<string>): readonly Tier[] {
  const grouped: Tier[] = [];
  for (const tier of tiers) {
    const members = tier.filter((entry) => group.has(entry.name));
    if (members.length > 0) grouped.push(members);
  }
  return grouped;
}

function resolveStrategy(
  strategy: StrategyName | RoutingStrategy,
  random: (() => number) | undefined,
): RoutingStrategy {
  if (typeof strategy !== 'string') {
    if (typeof strategy?.order !== 'function') {
      throw new RouterError(
        'CCB_ROUTER_UNKNOWN_STRATEGY',
        'The router strategy must be a strategy name or an object with an order(candidates) method.',
      );
    }
    return strategy;
  }
  return createStrategy(strategy, random === undefined ? {} : { random });
}
