import type { BenchBoard } from './_bench-board.js';
import type { CandidateTiers, Tier } from './_candidate-tiers.js';
import { capableTiers, unsupportedBy } from './_capable-tiers.js';
import { type CompiledModelRule, findModelRule } from './_compile-model-rules.js';
import type { Availability, HealthTracker } from './_health-tracker.js';
import { preferDomain } from './_prefer-domain.js';
import type { PlanEntry } from './_resolve-targets.js';
import type { RoutePlan, RouteRequest, UnsupportedRequest } from './route-request.js';
import type { RoutingStrategy } from './routing-strategy.js';
import type { SessionAffinity } from './session-affinity.js';

/** What a planner plans with: the parts of one set of settings, and the router's lasting state. */
export interface PlannerParts {
  readonly strategy: RoutingStrategy;
  /** `undefined` when health is off. */
  readonly tracker: HealthTracker | undefined;
  readonly benches: BenchBoard;
  /** `undefined` when affinity is off. */
  readonly affinity: SessionAffinity | undefined;
  readonly rules: readonly CompiledModelRule[];
  readonly allCandidates: CandidateTiers;
  /** Per rule (by index): the candidates of its provider group, or `undefined` for every provider. */
  readonly ruleCandidates: readonly (CandidateTiers | undefined)[];
  readonly now: () => number;
  /** Some enabled target is a subscription: tiers that mix them with API keys order them first. */
  readonly hasSubscriptions: boolean;
  /** Some enabled target is an `oauth` subscription: a request not from Claude Code uses it only when nothing else is usable. */
  readonly hasOAuth: boolean;
  /** Some enabled target lacks a capability: plans of requests with needs (or count_tokens) are filtered. */
  readonly capabilityGaps: boolean;
  /** Every target by name when enabled targets span several signature domains; `undefined` otherwise. */
  readonly domains: ReadonlyMap<string, PlanEntry> | undefined;
}

/** Whether `tier` holds both subscription and API-key targets (only then does their order within it change). */
function mixesKinds(tier: Tier): boolean {
  let subscriptions = 0;
  for (const entry of tier) if (entry.subscription !== undefined) subscriptions++;
  return subscriptions > 0 && subscriptions < tier.length;
}

/** Builds the plans of one set of settings; `reconfigure()` replaces it whole. */
export interface Planner {
  route(request: RouteRequest): RoutePlan;
  plan(request: RouteRequest): string[];
  /** How a plan may use `name` now; notices elapsed cool-downs and benches on the way. */
  availability(name: string, nowInMs: number): Availability;
}

/** Creates the planner over `parts`. Everything it precomputes lives in its closure: plans allocate only their list. */
export function createPlanner({
  strategy,
  tracker,
  benches,
  affinity,
  rules,
  allCandidates,
  ruleCandidates,
  now,
  hasSubscriptions,
  hasOAuth,
  capabilityGaps,
  domains,
}: PlannerParts): Planner {
  // Set by buildPlan() for route() to read, so that plan() allocates nothing beyond its list.
  let matchedRule: CompiledModelRule | undefined;
  let affinityChose = false;
  let unsupported: UnsupportedRequest | undefined;
  let crossesDomain = false;
  let sessionDomain: string | undefined;
  /** The provider the request's session is bound to, as `appendCandidates` looked it up. */
  let boundName: string | undefined;

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

  /**
   * Which targets the tiers being appended admit: `all`; `no-oauth` (a request not from Claude Code, first pass);
   * `oauth` (its second pass, at the end of the plan). A variable rather than a parameter so that the common case
   * passes nothing around; every plan sets it first.
   */
  let admitting: 'all' | 'no-oauth' | 'oauth' = 'all';
  function admits(entry: PlanEntry): boolean {
    if (admitting === 'all') return true;
    return (entry.subscription === 'oauth') === (admitting === 'oauth');
  }

  /** Appends the usable targets of one tier, except `pinned`. */
  function appendTier(
    names: string[],
    tier: Tier,
    nowInMs: number,
    advance: boolean,
    pinned: PlanEntry | undefined,
  ): void {
    const ordersKinds = hasSubscriptions && mixesKinds(tier);
    // The common case: nothing to filter or reorder, so no extra arrays.
    if (admitting === 'all' && !ordersKinds) {
      let allUsable = true;
      for (const entry of tier) {
        if (entry !== pinned && availability(entry.name, nowInMs) !== 'usable') {
          allUsable = false;
          break;
        }
      }
      if (allUsable) {
        appendOrdered(names, tier, advance, pinned);
        return;
      }
    }
    // Usable subscriptions go before usable API keys; demoted API keys come next, and a subscription running short
    // of its window last, so that API keys carry the traffic until the window resets. A tier of one kind has only
    // `usable` and `demoted`.
    let first: PlanEntry[] | undefined;
    let usable: PlanEntry[] | undefined;
    let demoted: PlanEntry[] | undefined;
    let last: PlanEntry[] | undefined;
    for (const entry of tier) {
      if (!admits(entry)) continue;
      const subscription = ordersKinds && entry.subscription !== undefined;
      switch (availability(entry.name, nowInMs)) {
        case 'usable':
          if (subscription) {
            first ??= [];
            first.push(entry);
          } else {
            usable ??= [];
            usable.push(entry);
          }
          break;
        case 'trial':
          // The single half-open trial goes first so that it is really attempted, not left as an unused
          // fallback. Behind a pinned provider it would hold the slot untried, so it waits for another plan.
          if (pinned !== undefined) break;
          names.push(entry.name);
          tracker?.beginTrial(entry.name, nowInMs);
          break;
        case 'deprioritized':
          if (subscription) {
            last ??= [];
            last.push(entry);
          } else {
            demoted ??= [];
            demoted.push(entry);
          }
          break;
        case 'unavailable':
          break;
      }
    }
    if (first !== undefined) appendOrdered(names, first, advance, pinned);
    // Only the group that supplies the first choice takes a turn of the strategy.
    if (usable !== undefined) appendOrdered(names, usable, advance && first === undefined, pinned);
    if (first === undefined && usable === undefined) {
      // Demoted targets keep configuration order behind the others, leaving the strategy's turns undisturbed;
      // only a tier of nothing but demoted targets shares its traffic by the strategy.
      if (demoted !== undefined) appendOrdered(names, demoted, advance, pinned);
      else if (last !== undefined) appendOrdered(names, last, advance, pinned);
      if (demoted === undefined) return;
    } else if (demoted !== undefined) {
      for (const entry of demoted) if (entry !== pinned) names.push(entry.name);
    }
    if (last !== undefined) for (const entry of last) if (entry !== pinned) names.push(entry.name);
  }

  /**
   * Affinity applies within the best tier that has a usable target only: when the session's provider sits in
   * a fallback tier while a better tier is usable again, the better tier wins (the user ranked tiers above
   * cache warmth). Returns the best tier's index with the bound provider in `pinnedEntry`, or -1. A provider
   * that is disabled or no longer configured is in no tier, so its sessions move.
   */
  let pinnedEntry: PlanEntry | undefined;
  function findPinned(bound: string, tiers: readonly Tier[], nowInMs: number): number {
    pinnedEntry = undefined;
    for (let tierIndex = 0; tierIndex < tiers.length; tierIndex++) {
      let tierUsable = false;
      for (const entry of tiers[tierIndex] as Tier) {
        if (!admits(entry)) continue;
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
    let tiers = candidatesFor(request);
    affinityChose = false;
    unsupported = undefined;
    crossesDomain = false;
    sessionDomain = undefined;
    boundName = undefined;
    if (capabilityGaps && (request.needs !== undefined || request.api === 'count_tokens')) {
      const capable = capableTiers(tiers, request);
      if (capable.length === 0 && tiers.length > 0) {
        unsupported = unsupportedBy(tiers, request);
        return [];
      }
      tiers = capable;
    }
    const names: string[] = [];
    const sessionKey = affinity === undefined ? undefined : request.sessionKey;
    if (tracker === undefined && benches.count() === 0 && sessionKey === undefined && !hasSubscriptions) {
      for (const tier of tiers) appendOrdered(names, tier, true, undefined);
      return names;
    }
    const nowInMs = now();
    // Subscription OAuth is for Claude Code only (Anthropic's terms, protocol notes §8): another client's request
    // goes to an `oauth` target only when no other candidate of any tier is usable.
    const defersOAuth = hasOAuth && request.fromClaudeCode === false;
    admitting = defersOAuth ? 'no-oauth' : 'all';
    appendCandidates(names, tiers, sessionKey, request, nowInMs);
    if (defersOAuth && names.length === 0) {
      admitting = 'oauth';
      for (const tier of tiers) appendTier(names, tier, nowInMs, true, undefined);
    }
    admitting = 'all';
    if (names.length === 0) {
      const fallback = soonestAvailable(tiers, nowInMs);
      if (fallback !== undefined) names.push(fallback);
    }
    if (domains !== undefined && boundName !== undefined) keepDomain(names, boundName);
    return names;
  }

  /** Notes the session's domain, and puts its candidates first (see {@link preferDomain}). */
  function keepDomain(names: string[], bound: string): void {
    const domain = (domains as ReadonlyMap<string, PlanEntry>).get(bound)?.domain;
    if (domain === undefined) return;
    sessionDomain = domain;
    crossesDomain = preferDomain(names, domain, domains as ReadonlyMap<string, PlanEntry>);
  }

  /** Appends the candidates `admitting` lets in: a session's bound provider first, then tier by tier. */
  function appendCandidates(
    names: string[],
    tiers: readonly Tier[],
    sessionKey: string | undefined,
    request: RouteRequest,
    nowInMs: number,
  ): void {
    if (affinity !== undefined && sessionKey !== undefined && tiers.length > 0) {
      const bound = affinity.lookup(affinity.keyOf(sessionKey, matchedRule?.model ?? request.model));
      boundName = bound;
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
        return;
      }
    }
    for (const tier of tiers) appendTier(names, tier, nowInMs, true, undefined);
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

  return {
    route(request) {
      const providers = buildPlan(request);
      const rule = matchedRule;
      let plan: RoutePlan;
      if (rule === undefined) plan = { providers, affinity: affinityChose };
      else if (rule.model === undefined) plan = { providers, rule: rule.name, affinity: affinityChose };
      else plan = { providers, model: rule.model, rule: rule.name, affinity: affinityChose };
      // Rare extras: a plain plan keeps its one shape.
      if (sessionDomain !== undefined) {
        plan = crossesDomain ? { ...plan, sessionDomain, crossesDomain: true } : { ...plan, sessionDomain };
      }
      if (unsupported !== undefined) plan = { ...plan, unsupported };
      return plan;
    },
    plan: buildPlan,
    availability,
  };
}
