import {
  type ApiSurface,
  type AttemptOutcome,
  isSpendLimit,
  judgesCredentials,
  noRateLimitHeaders,
  type RateLimitHeaders,
  readRateLimitHeaders,
} from '@ccb/protocol';
import { readBudgetPressure } from './budget-pressure.js';
import { type Cooldown, classifyCooldown } from './classify-cooldown.js';
import type { ResolvedHealthOptions } from './health-options.js';
import {
  type CircuitState,
  createHealthRecord,
  type HealthStore,
  type OpenReason,
  type ProviderHealthRecord,
} from './health-store.js';
import { effectiveState, isTrialBusy, type ProviderHealth, toProviderHealth } from './provider-health.js';
import type { RouterEvent, StateChangeReason } from './router-event.js';

/** How `plan()` may use a provider right now. */
export type Availability = 'usable' | 'deprioritized' | 'trial' | 'unavailable';

/** Options of {@link createHealthTracker}. */
export interface HealthTrackerOptions {
  readonly options: ResolvedHealthOptions;
  readonly store: HealthStore;
  readonly now: () => number;
  readonly onEvent: ((event: RouterEvent) => void) | undefined;
}

/** Per-provider circuit breaker, cool-downs and budget pressure over a {@link HealthStore}. */
export interface HealthTracker {
  /** Classifies a provider for planning; notices elapsed periods (and emits their events) on the way. */
  availability(name: string, nowInMs: number): Availability;
  /** When an unavailable provider becomes usable again (ms epoch). */
  availableAt(name: string, nowInMs: number): number;
  /** Takes the half-open trial slot of a provider that a plan offers. */
  beginTrial(name: string, nowInMs: number): void;
  /** An attempt's outcome on `api` (absent: the Messages API). */
  report(name: string, outcome: AttemptOutcome, api?: ApiSurface): void;
  reportProbe(name: string, ok: boolean): void;
  snapshot(name: string, enabled: boolean): ProviderHealth;
  reset(name: string): void;
}

/**
 * An answer about the provider's credentials or account (401, 403, a spend limit or billing error), which benches
 * it for long. Outside the Messages API such an answer may be about the endpoint the client chose, so it is
 * neutral there: a client must not be able to bench a provider for everyone.
 */
function isAccountVerdict(outcome: AttemptOutcome): boolean {
  return outcome.status === 401 || outcome.status === 403 || isSpendLimit(outcome);
}

/** Creates the tracker behind a health-aware router. Pure state machine: time comes from `now`, no timers. */
export function createHealthTracker({ options, store, now, onEvent }: HealthTrackerOptions): HealthTracker {
  function emit(event: RouterEvent): void {
    if (onEvent === undefined) return;
    // A listener bug must not break routing: plan() and report() run inside the proxy's request handling.
    try {
      onEvent(event);
    } catch {}
  }

  function changeState(
    name: string,
    record: ProviderHealthRecord,
    to: CircuitState,
    reason: StateChangeReason,
    at: number,
    status: number | null,
  ): void {
    const from = record.circuit;
    record.circuit = to;
    record.trialStartedAt = null;
    if (to !== 'open') record.openUntil = null;
    emit({ type: 'state-change', provider: name, from, to, reason, until: record.openUntil, status, at });
  }

  function clearWindow(record: ProviderHealthRecord): void {
    record.window = [];
    record.windowNext = 0;
    record.windowFailures = 0;
  }

  function open(
    name: string,
    record: ProviderHealthRecord,
    reason: OpenReason,
    cooldownInMs: number,
    at: number,
    status: number | null,
  ): void {
    record.openUntil = at + cooldownInMs;
    record.openReason = reason;
    // The window restarts so that failures that opened the circuit cannot re-open it right after a close.
    clearWindow(record);
    changeState(name, record, 'open', reason, at, status);
  }

  function close(name: string, record: ProviderHealthRecord, reason: StateChangeReason, at: number): void {
    record.openReason = null;
    record.cooldownInMs = 0;
    record.consecutiveFailures = 0;
    clearWindow(record);
    changeState(name, record, 'closed', reason, at, null);
  }

  /** Back-off for the next breaker open: the base after a close, else the last period grown, capped. */
  function nextCooldownInMs(record: ProviderHealthRecord): number {
    if (record.cooldownInMs === 0) return options.cooldownInMs;
    return Math.min(record.cooldownInMs * options.backoffMultiplier, options.maxCooldownInMs);
  }

  /**
   * Keeps the latest `windowSize` attempts of a window recorded under a larger `windowSize` (before a
   * `reconfigure()`), oldest first, so that the ring arithmetic holds again.
   */
  function fitWindow(record: ProviderHealthRecord): void {
    const chronological = [
      ...record.window.slice(record.windowNext),
      ...record.window.slice(0, record.windowNext),
    ];
    record.window = chronological.slice(chronological.length - options.windowSize);
    record.windowNext = 0;
    record.windowFailures = record.window.reduce((sum, value) => sum + value, 0);
  }

  function pushOutcome(record: ProviderHealthRecord, failed: boolean): void {
    const value = failed ? 1 : 0;
    if (record.window.length > options.windowSize) fitWindow(record);
    if (record.window.length < options.windowSize) {
      record.window.push(value);
    } else {
      record.windowFailures -= record.window[record.windowNext] ?? 0;
      record.window[record.windowNext] = value;
      record.windowNext = (record.windowNext + 1) % options.windowSize;
    }
    record.windowFailures += value;
  }

  /** Applies elapsed deadlines lazily (there are no timers); returns whether the record changed. */
  function refresh(name: string, record: ProviderHealthRecord, at: number): boolean {
    let changed = false;
    if (record.circuit === 'open' && record.openUntil !== null && at >= record.openUntil) {
      changeState(name, record, 'half-open', 'cooldown-elapsed', at, null);
      changed = true;
    }
    if (record.rateLimitedUntil !== null && at >= record.rateLimitedUntil) {
      const rateLimitClass = record.rateLimitClass ?? 'rate_limit';
      record.rateLimitedUntil = null;
      record.rateLimitClass = null;
      emit({ type: 'rate-limit-ended', provider: name, rateLimitClass, reason: 'expired', at });
      changed = true;
    }
    if (record.deprioritizedUntil !== null && at >= record.deprioritizedUntil) {
      record.deprioritizedUntil = null;
      record.deprioritizedReason = null;
      emit({ type: 'reprioritized', provider: name, at });
      changed = true;
    }
    return changed;
  }

  function load(name: string, at: number): ProviderHealthRecord {
    const record = store.get(name);
    if (record === undefined) return createHealthRecord();
    refresh(name, record, at);
    return record;
  }

  function applyRateLimitHeaders(
    name: string,
    record: ProviderHealthRecord,
    rateLimit: RateLimitHeaders,
    at: number,
  ) {
    const budget = rateLimit.budget;
    if (budget.requests ?? budget.tokens ?? budget.inputTokens ?? budget.outputTokens) record.budget = budget;
    if (rateLimit.unified !== null) record.unified = rateLimit.unified;
    const pressure = readBudgetPressure(record.budget, record.unified, at, options);
    if (pressure !== undefined) {
      const wasDeprioritized = record.deprioritizedUntil !== null;
      record.deprioritizedUntil = pressure.until;
      record.deprioritizedReason = pressure.reason;
      if (!wasDeprioritized) {
        emit({ type: 'deprioritized', provider: name, reason: pressure.reason, until: pressure.until, at });
      }
    } else if (record.deprioritizedUntil !== null) {
      record.deprioritizedUntil = null;
      record.deprioritizedReason = null;
      emit({ type: 'reprioritized', provider: name, at });
    }
  }

  function applyCooldown(
    name: string,
    record: ProviderHealthRecord,
    cooldown: Cooldown,
    outcome: AttemptOutcome,
    at: number,
  ) {
    const status = outcome.status ?? null;
    record.lastError = { kind: cooldown.rateLimitClass, status, errorType: outcome.errorType ?? null, at };
    // A limited provider answered: its trial proved reachability but not health, so the slot is freed.
    if (record.circuit === 'half-open') record.trialStartedAt = null;
    if (record.rateLimitedUntil !== null && cooldown.until <= record.rateLimitedUntil) return;
    const isNew = record.rateLimitedUntil === null || record.rateLimitClass !== cooldown.rateLimitClass;
    record.rateLimitedUntil = cooldown.until;
    record.rateLimitClass = cooldown.rateLimitClass;
    if (isNew) {
      emit({
        type: 'rate-limited',
        provider: name,
        rateLimitClass: cooldown.rateLimitClass,
        until: cooldown.until,
        status,
        at,
      });
    }
  }

  function countFailure(
    name: string,
    record: ProviderHealthRecord,
    at: number,
    status: number | null,
    probe: boolean,
  ) {
    record.consecutiveFailures += 1;
    if (record.circuit === 'half-open') {
      const cooldownInMs = nextCooldownInMs(record);
      record.cooldownInMs = cooldownInMs;
      open(name, record, probe ? 'probe-failure' : 'trial-failure', cooldownInMs, at, status);
      return;
    }
    if (record.circuit !== 'closed') return;
    pushOutcome(record, true);
    let reason: OpenReason | undefined;
    if (record.consecutiveFailures >= options.failureThreshold) reason = 'consecutive-failures';
    else if (
      record.window.length >= options.minRequestsInWindow &&
      record.windowFailures / record.window.length >= options.failureRateThreshold
    ) {
      reason = 'failure-rate';
    }
    if (reason === undefined) return;
    record.cooldownInMs = options.cooldownInMs;
    open(name, record, reason, options.cooldownInMs, at, status);
  }

  function countAttemptFailure(
    name: string,
    record: ProviderHealthRecord,
    outcome: AttemptOutcome,
    rateLimit: RateLimitHeaders,
    at: number,
  ): void {
    const cooldown = classifyCooldown(outcome, rateLimit, at, options);
    if (cooldown !== undefined) {
      applyCooldown(name, record, cooldown, outcome, at);
      return;
    }
    const status = outcome.status ?? null;
    const errorType = outcome.errorType ?? null;
    if (status === 401 || status === 403) {
      // The upstream rejected this provider's credentials: retrying soon cannot help, and one event tells the
      // operator (further 401s from requests already in flight only extend the period).
      record.consecutiveFailures += 1;
      record.lastError = { kind: 'auth', status, errorType, at };
      if (record.circuit === 'open' && record.openReason === 'auth') {
        record.openUntil = Math.max(record.openUntil ?? at, at + options.authFailureCooldownInMs);
      } else {
        open(name, record, 'auth', options.authFailureCooldownInMs, at, status);
      }
      return;
    }
    record.lastError = { kind: outcome.failure ?? 'status', status, errorType, at };
    countFailure(name, record, at, status, false);
  }

  return {
    availability(name, nowInMs) {
      const record = store.get(name);
      if (record === undefined) return 'usable';
      if (refresh(name, record, nowInMs)) store.set(name, record);
      if (record.rateLimitedUntil !== null || record.circuit === 'open') return 'unavailable';
      if (record.circuit === 'half-open')
        return isTrialBusy(record, nowInMs, options) ? 'unavailable' : 'trial';
      return record.deprioritizedUntil === null ? 'usable' : 'deprioritized';
    },

    availableAt(name, nowInMs) {
      const record = store.get(name);
      if (record === undefined) return nowInMs;
      let at = nowInMs;
      if (record.circuit === 'open' && record.openUntil !== null) at = Math.max(at, record.openUntil);
      if (record.rateLimitedUntil !== null) at = Math.max(at, record.rateLimitedUntil);
      return at;
    },

    beginTrial(name, nowInMs) {
      const record = store.get(name);
      if (record === undefined || record.circuit !== 'half-open') return;
      record.trialStartedAt = nowInMs;
      store.set(name, record);
    },

    report(name, outcome, api) {
      const at = now();
      const record = load(name, at);
      const rateLimit =
        outcome.headers === undefined ? noRateLimitHeaders : readRateLimitHeaders(outcome.headers);
      if (rateLimit.present) applyRateLimitHeaders(name, record, rateLimit, at);
      if (outcome.result === 'success') {
        record.lastSuccessAt = at;
        if (record.circuit === 'half-open') close(name, record, 'trial-success', at);
        // The upstream just accepted these credentials: the auth bench was wrong, or is over.
        else if (record.circuit === 'open' && record.openReason === 'auth')
          close(name, record, 'success', at);
        else {
          record.consecutiveFailures = 0;
          if (record.circuit === 'closed') pushOutcome(record, false);
        }
      } else if (
        outcome.result === 'client_error' ||
        (api !== undefined && !judgesCredentials(api) && isAccountVerdict(outcome))
      ) {
        // Neutral for health, but the trial slot must not stay taken by an attempt that proved nothing.
        if (record.circuit === 'half-open') record.trialStartedAt = null;
      } else {
        countAttemptFailure(name, record, outcome, rateLimit, at);
      }
      store.set(name, record);
    },

    reportProbe(name, ok) {
      const at = now();
      const record = load(name, at);
      if (ok) {
        if (record.circuit !== 'closed') close(name, record, 'probe-success', at);
      } else {
        record.lastError = { kind: 'probe', status: null, errorType: null, at };
        countFailure(name, record, at, null, true);
      }
      store.set(name, record);
    },

    snapshot(name, enabled) {
      return toProviderHealth(name, store.get(name) ?? createHealthRecord(), enabled, now(), options);
    },

    reset(name) {
      const at = now();
      const record = store.get(name);
      if (record === undefined) return;
      const effective = effectiveState(record, at);
      if (effective !== 'closed') {
        emit({
          type: 'state-change',
          provider: name,
          from: effective,
          to: 'closed',
          reason: 'reset',
          until: null,
          status: null,
          at,
        });
      }
      if (
        record.rateLimitedUntil !== null &&
        at < record.rateLimitedUntil &&
        record.rateLimitClass !== null
      ) {
        emit({
          type: 'rate-limit-ended',
          provider: name,
          rateLimitClass: record.rateLimitClass,
          reason: 'reset',
          at,
        });
      }
      if (record.deprioritizedUntil !== null && at < record.deprioritizedUntil) {
        emit({ type: 'reprioritized', provider: name, at });
      }
      store.set(name, createHealthRecord());
    },
  };
}
