import { createBenchBoard } from './_bench-board.js';
import { type CandidateTiers, createCandidateTiers, type Tier } from './_candidate-tiers.js';
import { type CompiledModelRule, compileModelRules, findModelRule } from './_compile-model-rules.js';
import { type Availability, createHealthTracker, type HealthTracker } from './_health-tracker.js';
import { type PlanEntry, resolveTargets } from './_resolve-targets.js';
import { createStrategy } from './create-strategy.js';
import { resolveHealthOptions } from './health-options.js';
import { createHealthRecord, createMemoryHealthStore } from './health-store.js';
import { toProviderHealth } from './provider-health.js';
import type { RouteRequest } from './route-request.js';
import type { Router, RouterOptions } from './router.js';
import { RouterError } from './router-error.js';
import type { RouterEvent } from './router-event.js';
import type { RoutingStrategy } from './routing-strategy.js';
import { createSessionAffinity } from './session-affinity.js';

export type { PlanRequest, Router, RouterOptions } from './router.js';

/**
 * Creates a router over `options.targets`.
 * @throws {RouterError} `CCB_ROUTER_INVALID_TARGET` for a malformed target list, `CCB_ROUTER_UNKNOWN_STRATEGY`
 * for an unknown strategy name, `CCB_ROUTER_INVALID_OPTIONS` for out-of-range health or affinity options,
 * `CCB_ROUTER_INVALID_RULE` for a malformed rule.
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
  const benches = createBenchBoard(safeEmitter(options.onEvent));
  const affinity = createSessionAffinity({ affinity: options.affinity, store: options.affinityStore, now });
  const rules = compileModelRules(options.rules, new Set(resolved.entriesByName.keys()));
  const allCandidates = createCandidateTiers(resolved.tiers, options.priceOf);
  const ruleCandidates: readonly (CandidateTiers | undefined)[] = rules.map((rule) =>
    rule.providers === undefined
      ? undefined
      : createCandidateTiers(groupTiers(resolved.tiers, rule.providers), options.priceOf),
  );

  // Set by buildPlan() for route() to read, so that plan() allocates nothing beyond its list.
  let matchedRule: CompiledModelRule | undefined;
  let affinityChose = false;

  function availability(name: string, nowInMs: number): Availability {
    if (benches.count() > 0 && benches.active(name, nowInMs) !== undefined) return 'unavailable';
    return tracker === undefined ? 'usable' : tracker.availability(name, nowInMs);
  }

  function availableAt(name: string, nowInMs: number): number {
    const healthAt = tracker === undefined ? nowInMs : tracker.availableAt(name, nowInMs);
    const bench = benches.count() > 0 ? benches.peek(name, nowInMs) : undefined;
    return bench === undefined ? healthAt : Math.max(healthAt, bench.until);
  }

  /**
   * Appends `entries` in the strategy's order, leaving out `pinned` (affinity's choice, already first).
   * `advance: false` orders without moving the strategy's turns (plans whose first choice is affinity's).
   */
  function appendOrdered(
    names: string[],
    entries: readonly PlanEntry[],
    advance: boolean,
    pinned: PlanEntry | undefined,
  ): void {
    if (entries.length === 1) {
      const only = entries[0] as PlanEntry;
      if (only !== pinned) names.push(only.name);
      return;
    }
    const ordered = advance ? strategy.order(entries) : (strategy.peek?.(entries) ?? entries);
    for (const entry of ordered) if (entry !== pinned) names.push(entry.name);
  }

  /** Appends the usable targets of one tier, except `pinned`. */
  function appendTier(
    names: string[],
    tier: Tier,
    nowInMs: number,
    advance: boolean,
    pinned: PlanEntry | undefined,
  ): void {
    let allUsable = true;
    for (const entry of tier) {
      if (entry !== pinned && availability(entry.name, nowInMs) !== 'usable') {
        allUsable = false;
        break;
      }
    }
    // The common case: nothing to filter, so no extra arrays.
    if (allUsable) {
      appendOrdered(names, tier, advance, pinned);
      return;
    }
    let usable: PlanEntry[] | undefined;
    let demoted: PlanEntry[] | undefined;
    for (const entry of tier) {
      switch (availability(entry.name, nowInMs)) {
        case 'usable':
          usable ??= [];
          usable.push(entry);
          break;
        case 'trial':
          // The single half-open trial goes first so that it is really attempted, not left as an unused
          // fallback. Behind a pinned provider it would hold the slot untried, so it waits for another plan.
          if (pinned !== undefined) break;
          names.push(entry.name);
          tracker?.beginTrial(entry.name, nowInMs);
          break;
        case 'deprioritized':
          demoted ??= [];
          demoted.push(entry);
          break;
        case 'unavailable':
          break;
      }
    }
    if (usable !== undefined) appendOrdered(names, usable, advance, pinned);
    if (demoted === undefined) return;
    // Demoted targets keep configuration order behind the others, leaving the strategy's turns undisturbed;
    // only a tier of nothing but demoted targets shares its traffic by the strategy.
    if (usable === undefined) appendOrdered(names, demoted, advance, pinned);
    else for (const entry of demoted) if (entry !== pinned) names.push(entry.name);
  }

  /**
   * Affinity applies within the best tier that has a usable target only: when the session's provider sits in
   * a fallback tier while a better tier is usable again, the better tier wins (the user ranked tiers above
   * cache warmth). Returns the best tier's index with the bound provider in `pinnedEntry`, or -1.
   */
  let pinnedEntry: PlanEntry | undefined;
  function findPinned(bound: string, tiers: readonly Tier[], nowInMs: number): number {
    pinnedEntry = undefined;
    for (let tierIndex = 0; tierIndex < tiers.length; tierIndex++) {
      let tierUsable = false;
      for (const entry of tiers[tierIndex] as Tier) {
        const entryAvailability = availability(entry.name, nowInMs);
        if (entryAvailability === 'unavailable') continue;
        tierUsable = true;
        // A low-budget provider still serves its sessions: a cache read is cheaper in rate limit too.
        if (entry.name === bound && entryAvailability !== 'trial') pinnedEntry = entry;
      }
      if (tierUsable) return pinnedEntry === undefined ? -1 : tierIndex;
    }
    return -1;
  }

  /** Candidate tiers and the effective model of a request; sets `matchedRule`. */
  function candidatesFor(request: RouteRequest): readonly Tier[] {
    const rule = rules.length === 0 ? undefined : findModelRule(rules, request);
    matchedRule = rule;
    if (rule === undefined) return allCandidates.forModel(request.model);
    const model = rule.model ?? request.model;
    return (ruleCandidates[rule.index] ?? allCandidates).forModel(model);
  }

  function buildPlan(request: RouteRequest): string[] {
    const tiers = candidatesFor(request);
    affinityChose = false;
    const names: string[] = [];
    const sessionKey = affinity === undefined ? undefined : request.sessionKey;
    if (tracker === undefined && benches.count() === 0 && sessionKey === undefined) {
      for (const tier of tiers) appendOrdered(names, tier, true, undefined);
      return names;
    }
    const nowInMs = now();
    if (affinity !== undefined && sessionKey !== undefined && tiers.length > 0) {
      const bound = affinity.lookup(affinity.keyOf(sessionKey, matchedRule?.model ?? request.model));
      const pinnedTier = bound === undefined ? -1 : findPinned(bound, tiers, nowInMs);
      if (pinnedTier >= 0 && pinnedEntry !== undefined) {
        affinity.hit();
        affinityChose = true;
        names.push(pinnedEntry.name);
        // Tiers before the pinned one have no usable target (that is how it was found).
        for (let tierIndex = pinnedTier; tierIndex < tiers.length; tierIndex++) {
          const pinned = tierIndex === pinnedTier ? pinnedEntry : undefined;
          appendTier(names, tiers[tierIndex] as Tier, nowInMs, false, pinned);
        }
        return names;
      }
    }
    for (const tier of tiers) appendTier(names, tier, nowInMs, true, undefined);
    if (names.length === 0) {
      const fallback = soonestAvailable(tiers, nowInMs);
      if (fallback !== undefined) names.push(fallback);
    }
    return names;
  }

  /** A broken breaker must never make things worse than no breaker: offer the provider back soonest. */
  function soonestAvailable(tiers: readonly Tier[], nowInMs: number): string | undefined {
    let soonest: string | undefined;
    let soonestAt = Number.POSITIVE_INFINITY;
    for (const tier of tiers) {
      for (const entry of tier) {
        const at = availableAt(entry.name, nowInMs);
        // The first entry counts even at an infinite deadline (an indefinite bench): a target that serves the
        // model is always offered.
        if (at < soonestAt || soonest === undefined) {
          soonest = entry.name;
          soonestAt = at;
        }
      }
    }
    return soonest;
  }

  function requireTarget(name: string, action: string): void {
    if (resolved.entriesByName.has(name)) return;
    throw new RouterError(
      'CCB_ROUTER_UNKNOWN_TARGET',
      `Cannot ${action} provider ${JSON.stringify(name)}: no such target. Configured: ${[...resolved.entriesByName.keys()].join(', ') || '(none)'}.`,
    );
  }

  return {
    route(request) {
      const providers = buildPlan(request);
      const rule = matchedRule;
      if (rule === undefined) return { providers, affinity: affinityChose };
      if (rule.model === undefined) return { providers, rule: rule.name, affinity: affinityChose };
      return { providers, model: rule.model, rule: rule.name, affinity: affinityChose };
    },
    plan: buildPlan,
    report(name, outcome, request) {
      if (!resolved.entriesByName.has(name)) return;
      tracker?.report(name, outcome, request?.api);
      if (affinity === undefined || request?.sessionKey === undefined || outcome.result !== 'success') return;
      // The binding key holds the model sent, which the rules decide; they are cheap to evaluate again.
      const rule = rules.length === 0 ? undefined : findModelRule(rules, request);
      affinity.bind(affinity.keyOf(request.sessionKey, rule?.model ?? request.model), name);
    },
    reportProbe(name, ok) {
      if (tracker !== undefined && resolved.entriesByName.has(name)) tracker.reportProbe(name, ok);
    },
    targets() {
      return resolved.targets;
    },
    snapshot() {
      const nowInMs = now();
      return resolved.targets.map(({ name, enabled = true }) => {
        const health =
          tracker === undefined
            ? toProviderHealth(name, createHealthRecord(), enabled, nowInMs, healthOptions)
            : tracker.snapshot(name, enabled);
        const bench = benches.count() > 0 ? benches.peek(name, nowInMs) : undefined;
        if (bench === undefined) return health;
        const coolingDownUntil =
          health.coolingDownUntil === null ? bench.until : Math.max(health.coolingDownUntil, bench.until);
        return { ...health, usable: false, serving: false, coolingDownUntil, reason: bench.reason };
      });
    },
    isUsable(name) {
      const entry = resolved.entriesByName.get(name);
      if (entry === undefined || !entry.enabled) return false;
      return availability(name, now()) !== 'unavailable';
    },
    reset(name) {
      requireTarget(name, 'reset');
      tracker?.reset(name);
    },
    bench(name, untilInMs, reason = 'budget') {
      requireTarget(name, 'bench');
      if (typeof untilInMs !== 'number' || Number.isNaN(untilInMs)) {
        throw new RouterError(
          'CCB_ROUTER_INVALID_OPTIONS',
          `Cannot bench provider ${JSON.stringify(name)}: untilInMs must be a time in ms since the epoch (or Infinity), got ${String(untilInMs)}.`,
        );
      }
      benches.bench(name, untilInMs, reason, now());
    },
    unbench(name) {
      requireTarget(name, 'unbench');
      benches.unbench(name, now());
    },
    affinityStats() {
      return affinity === undefined ? { sessions: 0, hits: 0, moves: 0, misses: 0 } : affinity.stats();
    },
  };
}

/** Wraps `onEvent` so that a listener bug cannot break routing (plan and report run inside request handling). */
function safeEmitter(onEvent: ((event: RouterEvent) => void) | undefined): (event: RouterEvent) => void {
  return (event) => {
    if (onEvent === undefined) return;
    try {
      onEvent(event);
    } catch {}
  };
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
