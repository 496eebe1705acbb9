import type { BudgetReadings, UnifiedReading } from '@ccb/protocol';
import type { ResolvedHealthOptions } from './health-options.js';
import type {
  CircuitState,
  DeprioritizedReason,
  LastError,
  OpenReason,
  ProviderHealthRecord,
  RateLimitClass,
} from './health-store.js';

/** Why a provider is unusable or demoted; any other string is a reason given to `router.bench()`. */
export type ProviderHealthReason = RateLimitClass | OpenReason | DeprioritizedReason | (string & {});

/** One provider's health as `snapshot()` reports it. Plain data; holds no credentials. Times are ms epochs. */
export interface ProviderHealth {
  readonly name: string;
  readonly enabled: boolean;
  /** `half-open` once the open period has elapsed, even if no plan noticed it yet. */
  readonly state: CircuitState;
  /** Whether `plan()` would offer it now (outside the all-unusable fallback). */
  readonly usable: boolean;
  /** When an open circuit, a cool-down or a `bench()` ends, whichever is latest; `null` when none applies. */
  readonly coolingDownUntil: number | null;
  /**
   * Why it is unusable or demoted: the reason given to `bench()` (e.g. `budget`), a rate-limit class, an open
   * reason, or a de-prioritization reason, in that order of precedence.
   */
  readonly reason: ProviderHealthReason | null;
  /** Class of the cool-down in force, or `null`. */
  readonly rateLimitClass: RateLimitClass | null;
  readonly lastError: LastError | null;
  /** When an attempt last succeeded (ms epoch), or `null`. */
  readonly lastSuccessAt: number | null;
  /**
   * It succeeded after its last error (or has no error): it serves, whatever its circuit or cool-down says (a
   * request offered to it as the last resort, or one in flight, went through). Readiness counts it as up. `false`
   * while benched by the caller, whose decision no success overrides.
   */
  readonly serving: boolean;
  readonly consecutiveFailures: number;
  /** Failures / attempts in the sliding window (0 when empty). */
  readonly failureRate: number;
  /** Attempts currently in the sliding window. */
  readonly windowCount: number;
  /** API-key budgets as last reported by the upstream. */
  readonly budget: BudgetReadings;
  /** Subscription windows as last reported, or `null`. */
  readonly unified: UnifiedReading | null;
  /** Ordered last within its tier. */
  readonly deprioritized: boolean;
  readonly deprioritizedUntil: number | null;
}

/** The circuit state at `nowInMs`: an open circuit whose period has elapsed is half-open even before a plan saw it. */
export function effectiveState(record: ProviderHealthRecord, nowInMs: number): CircuitState {
  return record.circuit === 'open' && record.openUntil !== null && nowInMs >= record.openUntil
    ? 'half-open'
    : record.circuit;
}

/** Whether a half-open provider's single trial slot is taken (and its lease not yet expired). */
export function isTrialBusy(
  record: ProviderHealthRecord,
  nowInMs: number,
  options: ResolvedHealthOptions,
): boolean {
  return (
    record.circuit === 'half-open' &&
    record.trialStartedAt !== null &&
    nowInMs < record.trialStartedAt + options.halfOpenTrialTimeoutInMs
  );
}

/** Builds the operator view of one record at `nowInMs` without changing it. */
export function toProviderHealth(
  name: string,
  record: ProviderHealthRecord,
  enabled: boolean,
  nowInMs: number,
  options: ResolvedHealthOptions,
): ProviderHealth {
  const state = effectiveState(record, nowInMs);
  // A store written before this field existed has none.
  const lastSuccessAt = record.lastSuccessAt ?? null;
  const rateLimitedUntil =
    record.rateLimitedUntil !== null && nowInMs < record.rateLimitedUntil ? record.rateLimitedUntil : null;
  const openUntil = state === 'open' ? record.openUntil : null;
  const coolingDownUntil =
    rateLimitedUntil === null
      ? openUntil
      : openUntil === null
        ? rateLimitedUntil
        : Math.max(openUntil, rateLimitedUntil);
  const deprioritized = record.deprioritizedUntil !== null && nowInMs < record.deprioritizedUntil;
  let reason: ProviderHealthReason | null = null;
  if (rateLimitedUntil !== null) reason = record.rateLimitClass;
  else if (state !== 'closed') reason = record.openReason;
  else if (deprioritized) reason = record.deprioritizedReason;
  return {
    name,
    enabled,
    state,
    usable:
      enabled && rateLimitedUntil === null && state !== 'open' && !isTrialBusy(record, nowInMs, options),
    coolingDownUntil,
    reason,
    rateLimitClass: rateLimitedUntil === null ? null : record.rateLimitClass,
    lastError: record.lastError,
    lastSuccessAt,
    serving: lastSuccessAt !== null && (record.lastError === null || lastSuccessAt >= record.lastError.at),
    consecutiveFailures: record.consecutiveFailures,
    failureRate: record.window.length === 0 ? 0 : record.windowFailures / record.window.length,
    windowCount: record.window.length,
    budget: record.budget,
    unified: record.unified,
    deprioritized,
    deprioritizedUntil: deprioritized ? record.deprioritizedUntil : null,
  };
}
