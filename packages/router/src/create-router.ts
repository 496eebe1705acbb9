import { findModelRule } from './_compile-model-rules.js';
import { type CompiledSettings, compileSettings } from './_compile-settings.js';
import { createRouterState, type RouterState } from './_router-state.js';
import { banReason, isAccountBan } from './account-ban.js';
import { createHealthRecord } from './health-store.js';
import { toProviderHealth } from './provider-health.js';
import type { Router, RouterOptions, RouterPlanner } from './router.js';
import { RouterError } from './router-error.js';

export type { PlanRequest, Router, RouterOptions, RouterPlanner, RouterSettings } from './router.js';

/**
 * Creates a router over `options.targets`.
 * @throws {RouterError} `CCB_ROUTER_INVALID_TARGET` for a malformed target list, `CCB_ROUTER_UNKNOWN_STRATEGY`
 * for an unknown strategy name, `CCB_ROUTER_INVALID_OPTIONS` for out-of-range health or affinity options,
 * `CCB_ROUTER_INVALID_RULE` for a malformed rule.
 */
export function createRouter(options: RouterOptions): Router {
  const state = createRouterState(options);
  const { now, benches, affinity } = state;
  // The settings in force. Every method reads it once, so a reload swaps all of them at one assignment.
  let active = adopt(state, undefined, compileSettings(options, state, undefined));
  let activePlanner: RouterPlanner | undefined;

  function report(
    settings: CompiledSettings,
    name: string,
    outcome: Parameters<Router['report']>[1],
    request: Parameters<Router['report']>[2],
  ): void {
    // A provider forgotten by a reload stays forgotten, whatever settings the report was planned with.
    const entry = active.targets.entriesByName.get(name);
    if (entry === undefined || !settings.targets.entriesByName.has(name)) return;
    if (entry.subscription === 'oauth' && isAccountBan(outcome, request?.api)) {
      // Not a health matter that time heals: the account stays out until an operator resets it. The bench's one
      // event carries the upstream's words; the tracker is left out so that no second (auth) event says it again,
      // and requests still in flight only re-bench silently.
      benches.bench(name, Number.POSITIVE_INFINITY, banReason, now(), outcome.errorMessage ?? '');
      return;
    }
    active.tracker?.report(name, outcome, request?.api);
    if (settings.affinityLimits === undefined || request?.sessionKey === undefined) return;
    if (outcome.result !== 'success') return;
    // The binding key holds the model sent, which the rules decide; they are cheap to evaluate again.
    const rules = settings.rules;
    const rule = rules.length === 0 ? undefined : findModelRule(rules, request);
    affinity.bind(affinity.keyOf(request.sessionKey, rule?.model ?? request.model), name);
  }

  function requireTarget(name: string, action: string): void {
    const { entriesByName } = active.targets;
    if (entriesByName.has(name)) return;
    throw new RouterError(
      'CCB_ROUTER_UNKNOWN_TARGET',
      `Cannot ${action} provider ${JSON.stringify(name)}: no such target. Configured: ${[...entriesByName.keys()].join(', ') || '(none)'}.`,
    );
  }

  /** A planner that keeps planning with `settings`, whatever is in force later. */
  function plannerOf(settings: CompiledSettings): RouterPlanner {
    return {
      route: (request) => settings.planner.route(request),
      plan: (request) => settings.planner.plan(request),
      report: (name, outcome, request) => report(settings, name, outcome, request),
      hasOAuthTargets: settings.targets.hasOAuth,
    };
  }

  return {
    // The hot path's one indirection: the planner of the settings in force.
    route: (request) => active.planner.route(request),
    plan: (request) => active.planner.plan(request),
    report: (name, outcome, request) => report(active, name, outcome, request),
    reportProbe(name, ok) {
      const settings = active;
      if (settings.tracker !== undefined && settings.targets.entriesByName.has(name)) {
        settings.tracker.reportProbe(name, ok);
      }
    },
    targets() {
      return active.targets.targets;
    },
    snapshot() {
      const { targets, tracker, healthOptions } = active;
      const nowInMs = now();
      return targets.targets.map(({ name, enabled = true }) => {
        const health =
          tracker === undefined
            ? toProviderHealth(name, createHealthRecord(), enabled, nowInMs, healthOptions)
            : tracker.snapshot(name, enabled);
        const bench = benches.count() > 0 ? benches.peek(name, nowInMs) : undefined;
        if (bench === undefined) return health;
        // A bench without a deadline (a ban, `bench(name, Infinity)`) has no time to show: `reason` says why.
        const coolingDownUntil = !Number.isFinite(bench.until)
          ? health.coolingDownUntil
          : health.coolingDownUntil === null
            ? bench.until
            : Math.max(health.coolingDownUntil, bench.until);
        return { ...health, usable: false, serving: false, coolingDownUntil, reason: bench.reason };
      });
    },
    isUsable(name) {
      const settings = active;
      const entry = settings.targets.entriesByName.get(name);
      if (entry === undefined || !entry.enabled) return false;
      return settings.planner.availability(name, now()) !== 'unavailable';
    },
    reset(name) {
      requireTarget(name, 'reset');
      active.tracker?.reset(name);
      // A ban is the router's own verdict, so an operator's reset lifts it; the caller's benches stay.
      if (benches.count() > 0 && benches.peek(name, now())?.reason === banReason)
        benches.unbench(name, now());
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
      return active.affinityLimits === undefined
        ? { sessions: 0, hits: 0, moves: 0, misses: 0 }
        : affinity.stats();
    },
    reconfigure(settings) {
      // Compiling validates everything and changes nothing, so a throw leaves the router as it was.
      active = adopt(state, active, compileSettings(settings, state, active));
      activePlanner = undefined;
    },
    prepare(settings) {
      const compiled = compileSettings(settings, state, active);
      const planner = plannerOf(compiled);
      return {
        planner,
        commit() {
          active = adopt(state, active, compiled);
          activePlanner = planner;
        },
      };
    },
    planner() {
      activePlanner ??= plannerOf(active);
      return activePlanner;
    },
  };
}

/**
 * Brings the router's state in line with `next` and returns it: providers no longer configured are forgotten
 * (health record, bench, bindings in the router's own store), so one added back later starts fresh; the
 * router's own affinity store takes the new limits.
 */
function adopt(
  state: RouterState,
  previous: CompiledSettings | undefined,
  next: CompiledSettings,
): CompiledSettings {
  if (previous !== undefined) {
    for (const name of previous.targets.entriesByName.keys()) {
      if (next.targets.entriesByName.has(name)) continue;
      state.healthStore.delete(name);
      state.benches.forget(name);
      state.affinity.forget(name);
    }
  }
  if (next.affinityLimits !== undefined) state.affinity.applyLimits(next.affinityLimits);
  return next;
}
