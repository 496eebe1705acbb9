import type { RequestRecord } from '@ccb/protocol';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { type AccountStateLike, registerAccountGauges } from './_account-gauges.js';
import { type AffinityStatsLike, registerAffinityGauges } from './_affinity-gauges.js';
import { type BudgetStatusLike, registerBudgetGauges } from './_budget-gauges.js';
import { type ConfigReloadResult, registerConfigMetrics } from './_config-metrics.js';
import { registerDedupMetrics } from './_dedup-metrics.js';
import { registerHealthGauges } from './_health-gauges.js';
import { type LedgerStatsLike, registerLedgerGauges } from './_ledger-gauges.js';
import { registerLogLossCounters } from './_log-loss-counters.js';
import { addCount, countSessionRepair, registerRequestMetrics } from './_request-metrics.js';
import { registerStateStoreGauges } from './_state-store-gauges.js';
import type { LogLoss } from './log-loss.js';
import { createModelLabeler } from './model-label.js';
import type { ProviderHealthLike } from './provider-health-like.js';
import type { StateStoreLike } from './state-store-like.js';
import { TelemetryError } from './telemetry-error.js';

const noProviderLabel = 'none';
const unknownFailureLabel = 'unknown';
const metricPrefixPattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Prepended to every ccb metric name (not to the standard process metrics). Default `ccb_`. */
  readonly prefix?: string;
  /** Models kept verbatim as `model` labels; Claude-family ids are kept too, anything else is `other`. */
  readonly knownModels?: readonly string[];
  /** Distinct Claude-family ids admitted as labels beyond `knownModels`. Default 64. */
  readonly maxFamilyModels?: number;
  /** Registers prom-client's process metrics (event-loop lag, memory, GC, handles) on this registry. Default true. */
  readonly collectDefaultMetrics?: boolean;
  /** Provider health read at every scrape; the health gauges exist only when this is given. */
  readonly healthSnapshot?: () => readonly ProviderHealthLike[];
  /** Clock for cool-down checks, ms epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Session-affinity counters read at every scrape (the router's `affinityStats`). */
  readonly affinityStats?: () => AffinityStatsLike;
  /** Budget windows read at every scrape (the ledger's budget `snapshot`). */
  readonly budgetSnapshot?: () => readonly BudgetStatusLike[];
  /** Subscription accounts' states by provider name, read at every scrape; the gauges exist only with it. */
  readonly accountStates?: () => ReadonlyMap<string, AccountStateLike>;
  /** The usage ledger's write totals, read at every scrape; the ledger series exist only with it. */
  readonly ledgerStats?: () => LedgerStatsLike | undefined;
  /** Log lines stdout never got, read at every scrape (the logger's `lostLines`); the counters exist only with it. */
  readonly logLoss?: () => readonly LogLoss[];
  /**
   * The shared state store read at every scrape; `ccb_state_store_up` and `ccb_state_store_write_failures_total`
   * exist only with it (a single instance on memory has no store to watch).
   */
  readonly stateStore?: () => StateStoreLike;
}

/** Where a key was refused: the proxied API (`auth.api_keys`) or the admin routes (`auth.admin_key`). */
export type AuthScope = 'client' | 'admin';

/** Prometheus metrics of one balancer, in a registry of its own. */
export interface Metrics {
  /** This instance's registry (never prom-client's global one). */
  readonly registry: Registry;
  /** The `content-type` to serve `render()` with. */
  readonly contentType: string;
  /** Counts one finished request and what it cost in USD (unpriced: absent); call from `onRequestEnd`. */
  observe(record: RequestRecord, costUsd?: number): void;
  /** A provider was cooled down after a 429/529, by class (rate_limit, request_scoped, spend_limit, …). */
  rateLimited(provider: string, rateLimitClass: string): void;
  /** A request was refused for its key (401): `client` on the proxied API, `admin` on `/metrics` and `/admin/*`. */
  authRejected(scope: AuthScope): void;
  /** An attempt to `provider` began: raises its in-flight gauge. */
  attemptStarted(provider: string): void;
  /** An attempt to `provider` ended, however it ended: lowers its in-flight gauge. */
  attemptEnded(provider: string): void;
  /** The configuration in force: its hash (`ccb_config_info{hash}`) and when it was loaded (ms epoch). */
  configLoaded(hash: string, loadedAtInMs: number): void;
  /** A reload ended: `applied`, `unchanged` (nothing differed) or `rejected` (invalid; the old one stays). */
  configReloaded(result: ConfigReloadResult): void;
  /**
   * A request answered by another's upstream call (`joined` while in flight, `cached` from a reused answer), with
   * the tokens and USD its own call would have spent.
   */
  deduplicated(kind: 'joined' | 'cached', savedTokens: number, savedUsd: number): void;
  /** Models to keep verbatim as labels from now on (a reload's new providers' models). */
  addKnownModels(models: readonly string[]): void;
  /** The Prometheus text exposition of every metric in the registry. */
  render(): Promise<string>;
}

/** Creates the metrics: counters, histograms and the in-flight gauge, plus health and process metrics when asked. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const prefix = options.prefix ?? 'ccb_';
  if (prefix !== '' && !metricPrefixPattern.test(prefix)) {
    throw new TelemetryError(
      'CCB_TELEMETRY_INVALID_OPTIONS',
      `metrics prefix ${JSON.stringify(prefix)} is not a valid Prometheus name start; use letters, digits, _ and :, e.g. "ccb_"`,
    );
  }
  let knownModels = options.knownModels ?? [];
  const newLabeler = () =>
    createModelLabeler({
      knownModels,
      ...(options.maxFamilyModels !== undefined ? { maxFamilyModels: options.maxFamilyModels } : {}),
    });
  let labelModel = newLabeler();
  const registry = new Registry();
  const config = registerConfigMetrics(registry, prefix);
  const { dedupCells, savedTokens, savedUsd } = registerDedupMetrics(registry, prefix);
  const {
    requests,
    attempts,
    failovers,
    sessionRepairs,
    tokens,
    bytesReceived,
    bytesSent,
    inFlight,
    cost,
    rateLimits,
    authRejectionCells,
    duration,
    firstByte,
    overhead,
    overheadCell,
    timings,
  } = registerRequestMetrics(registry, prefix);

  if (options.healthSnapshot !== undefined) {
    registerHealthGauges({
      registry,
      prefix,
      healthSnapshot: options.healthSnapshot,
      now: options.now ?? Date.now,
    });
  }
  if (options.accountStates !== undefined) registerAccountGauges(registry, prefix, options.accountStates);
  if (options.ledgerStats !== undefined) registerLedgerGauges(registry, prefix, options.ledgerStats);
  if (options.affinityStats !== undefined) registerAffinityGauges(registry, prefix, options.affinityStats);
  if (options.budgetSnapshot !== undefined) registerBudgetGauges(registry, prefix, options.budgetSnapshot);
  if (options.logLoss !== undefined) registerLogLossCounters(registry, prefix, options.logLoss);
  if (options.stateStore !== undefined) registerStateStoreGauges(registry, prefix, options.stateStore);
  if (options.collectDefaultMetrics !== false) collectDefaultMetrics({ register: registry });

  return {
    registry,
    contentType: registry.contentType,
    observe(record, costUsd) {
      const provider = record.provider ?? noProviderLabel;
      const model = labelModel(record.model);
      requests.at(provider, model, record.status, record.outcome).value += 1;
      const recordAttempts = record.attempts;
      const lastIndex = recordAttempts.length - 1;
      for (let index = 0; index <= lastIndex; index += 1) {
        const attempt = recordAttempts[index] as (typeof recordAttempts)[number];
        attempts.at(attempt.provider, attempt.result).value += 1;
        if (attempt.result === 'failure' && index < lastIndex) {
          failovers.at(attempt.provider, attempt.failure ?? unknownFailureLabel).value += 1;
        }
        const repair = attempt.sessionRepair;
        if (repair !== undefined) countSessionRepair(sessionRepairs, attempt.provider, repair);
      }
      // A request answered by another's call spent no tokens of its own: the call's record counted them.
      const usage = record.dedup === undefined ? record.usage : undefined;
      if (usage !== undefined) {
        addCount(tokens.at(provider, model, 'input'), usage.inputTokens);
        addCount(tokens.at(provider, model, 'output'), usage.outputTokens);
        addCount(tokens.at(provider, model, 'cache_creation'), usage.cacheCreationInputTokens);
        addCount(tokens.at(provider, model, 'cache_read'), usage.cacheReadInputTokens);
      }
      if (costUsd !== undefined) addCount(cost.at(provider, model), costUsd);
      addCount(bytesReceived.at(provider), record.bytesIn);
      addCount(bytesSent.at(provider), record.bytesOut);
      const timing = timings.at(provider, record.stream ? 'true' : 'false');
      duration.observe(timing.duration, record.durationInMs / 1000);
      if (record.timeToFirstByteInMs !== undefined) {
        firstByte.observe(timing.firstByte, record.timeToFirstByteInMs / 1000);
      }
      if (record.overheadInMs !== undefined && record.dedup === undefined) {
        overhead.observe(overheadCell, record.overheadInMs / 1000);
      }
    },
    rateLimited(provider, rateLimitClass) {
      rateLimits.at(provider, rateLimitClass).value += 1;
    },
    authRejected(scope) {
      authRejectionCells[scope].value += 1;
    },
    attemptStarted(provider) {
      inFlight.at(provider).value += 1;
    },
    attemptEnded(provider) {
      const cell = inFlight.at(provider);
      // An unpaired end (a hook wired twice) must not drive the gauge negative.
      if (cell.value > 0) cell.value -= 1;
    },
    deduplicated(kind, tokens, usd) {
      dedupCells[kind].value += 1;
      if (tokens > 0 && Number.isFinite(tokens)) savedTokens.inc(tokens);
      if (usd > 0 && Number.isFinite(usd)) savedUsd.inc(usd);
    },
    configLoaded: config.loaded,
    configReloaded: config.reloaded,
    addKnownModels(models) {
      const added = models.filter((model) => !knownModels.includes(model));
      if (added.length === 0) return;
      const previous = knownModels;
      knownModels = [...knownModels, ...added];
      try {
        labelModel = newLabeler();
      } catch (error) {
        knownModels = previous;
        throw error;
      }
    },
    render: () => registry.metrics(),
  };
}
