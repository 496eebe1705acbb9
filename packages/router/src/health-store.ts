import type { BudgetReadings, UnifiedReading } from '@ccb/protocol';

/** Circuit-breaker state of a provider. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Why a circuit opened. */
export type OpenReason = 'consecutive-failures' | 'failure-rate' | 'auth' | 'trial-failure' | 'probe-failure';

/** Kinds of rate-limit or spend cool-down, decided from status, headers and error details. */
export type RateLimitClass =
  | 'rate_limit'
  | 'request_scoped'
  | 'spend_limit'
  | 'unified_window'
  | 'overloaded';

/** Why a usable provider is ordered last in its tier. */
export type DeprioritizedReason = 'low-budget' | 'unified-warning' | 'unified-utilization';

/** The last failure, for operators. Never holds credentials or bodies. */
export interface LastError {
  /** The failure kind (`connect`, `status`, …), or the rate-limit class, or `auth`. */
  readonly kind: string;
  readonly status: number | null;
  readonly errorType: string | null;
  /** ms epoch. */
  readonly at: number;
}

/**
 * Everything the router remembers about one provider. Plain JSON data (no classes, `undefined` or `Infinity`),
 * so that a shared store can serialise it. All times are ms epochs.
 */
export interface ProviderHealthRecord {
  circuit: CircuitState;
  /** End of the open period while `circuit` is `open`. */
  openUntil: number | null;
  openReason: OpenReason | null;
  /** Length of the current or last open period; `0` after a close, so the next open starts from the base. */
  cooldownInMs: number;
  /** Start of the half-open trial in flight, or `null` when the trial slot is free. */
  trialStartedAt: number | null;
  consecutiveFailures: number;
  /** Sliding window of the last attempts as a ring: `1` = failure, `0` = success. */
  window: number[];
  /** Ring index that the next attempt overwrites once `window` is full. */
  windowNext: number;
  /** Number of `1`s in `window`. */
  windowFailures: number;
  rateLimitedUntil: number | null;
  rateLimitClass: RateLimitClass | null;
  lastError: LastError | null;
  /** When an attempt last succeeded (ms epoch), or `null`: a provider that served after its last error is serving. */
  lastSuccessAt: number | null;
  budget: BudgetReadings;
  unified: UnifiedReading | null;
  deprioritizedUntil: number | null;
  deprioritizedReason: DeprioritizedReason | null;
}

/**
 * Where per-provider health lives. Synchronous because `plan()` runs on every request: a shared (e.g. Redis)
 * store keeps a local copy that it reads synchronously and replicates in the background. The router may mutate
 * the record `get` returned and always calls `set` after a change.
 */
export interface HealthStore {
  get(name: string): ProviderHealthRecord | undefined;
  set(name: string, record: ProviderHealthRecord): void;
  delete(name: string): void;
}

/** Creates a fresh record: closed, no history. */
export function createHealthRecord(): ProviderHealthRecord {
  return {
    circuit: 'closed',
    openUntil: null,
    openReason: null,
    cooldownInMs: 0,
    trialStartedAt: null,
    consecutiveFailures: 0,
    window: [],
    windowNext: 0,
    windowFailures: 0,
    rateLimitedUntil: null,
    rateLimitClass: null,
    lastError: null,
    lastSuccessAt: null,
    budget: { requests: null, tokens: null, inputTokens: null, outputTokens: null },
    unified: null,
    deprioritizedUntil: null,
    deprioritizedReason: null,
  };
}

/** An in-process {@link HealthStore} (a `Map`); the default. */
export function createMemoryHealthStore(): HealthStore {
  const records = new Map<string, ProviderHealthRecord>();
  return {
    get: (name) => records.get(name),
    set: (name, record) => {
      records.set(name, record);
    },
    delete: (name) => {
      records.delete(name);
    },
  };
}
