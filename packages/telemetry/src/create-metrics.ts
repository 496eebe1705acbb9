import type { RequestRecord } from '@ccb/protocol';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { type AccountStateLike, registerAccountGauges } from './_account-gauges.js';
import { registerHealthGauges } from './_health-gauges.js';
import { HistogramSeries } from './_histogram-series.js';
import { type LedgerStatsLike, registerLedgerGauges } from './_ledger-gauges.js';
import { Series } from './_series.js';
import type { LogLoss } from './log-loss.js';
import { createModelLabeler } from './model-label.js';
import type { ProviderHealthLike } from './provider-health-like.js';
import type { StateStoreLike } from './state-store-like.js';
import { TelemetryError } from './telemetry-error.js';

/** Seconds; LLM calls run from well under a second (count_tokens) to ten minutes (long streams). */
const durationBucketsInSeconds = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];
/** Seconds; the wait for the first byte includes the upstream's queueing and prompt processing. */
const firstByteBucketsInSeconds = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];
/** Seconds; ccb's own share of a request should stay far below a millisecond. */
const overheadBucketsInSeconds = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

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
  readonly affinityStats?: () => { sessions: number; hits: number; moves: number; misses: number };
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

/** One budget window, as the metrics read it. */
export interface BudgetStatusLike {
  readonly scope: string;
  readonly name: string;
  readonly window: string;
  readonly metric: string;
  readonly limit: number;
  readonly used: number;
}

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

/** How a configuration reload ended, as `ccb_config_reloads_total` counts it. */
export type ConfigReloadResult = 'applied' | 'unchanged' | 'rejected';

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
  const dedup = new Series(['kind']);
  const dedupCells = { joined: dedup.at('joined'), cached: dedup.at('cached') };
  registerCounter(
    registry,
    `${prefix}dedup_requests_total`,
    'Requests answered by another identical request’s upstream call: joined (in flight) or cached (a reused answer).',
    dedup,
  );
  // Rare events (a duplicate request), so plain counters.
  const savedTokens = new Counter({
    name: `${prefix}dedup_saved_tokens_total`,
    help: 'Tokens deduplicated requests did not spend again.',
    registers: [registry],
  });
  const savedUsd = new Counter({
    name: `${prefix}dedup_saved_usd_total`,
    help: 'What deduplicated requests did not cost again, in USD.',
    registers: [registry],
  });

  const requests = new Series(['provider', 'model', 'status', 'outcome']);
  const attempts = new Series(['provider', 'result']);
  const failovers = new Series(['provider', 'reason']);
  const sessionRepairs = new Series(['provider', 'change']);
  const tokens = new Series(['provider', 'model', 'kind']);
  const bytesReceived = new Series(['provider']);
  const bytesSent = new Series(['provider']);
  const inFlight = new Series(['provider']);
  const cost = new Series(['provider', 'model']);
  const rateLimits = new Series(['provider', 'class']);
  registerCounter(
    registry,
    `${prefix}rate_limits_total`,
    'Cool-downs after 429/529 answers, by class (rate_limit, request_scoped, spend_limit, unified_window, overloaded…).',
    rateLimits,
  );
  registerCounter(registry, `${prefix}requests_total`, 'Finished client requests.', requests);
  const authRejections = new Series(['scope']);
  // Both series exist from the start at 0, so a rate() over them works before the first refusal.
  const authRejectionCells = { client: authRejections.at('client'), admin: authRejections.at('admin') };
  registerCounter(
    registry,
    `${prefix}auth_rejected_total`,
    'Requests refused for a wrong or missing key, by scope: client (auth.api_keys) or admin (auth.admin_key).',
    authRejections,
  );
  registerCounter(
    registry,
    `${prefix}cost_usd_total`,
    'What requests cost at the configured prices, in USD.',
    cost,
  );
  registerCounter(registry, `${prefix}attempts_total`, 'Upstream attempts by result.', attempts);
  registerCounter(
    registry,
    `${prefix}failovers_total`,
    'Failed attempts after which ccb moved on to the next provider, by failure kind.',
    failovers,
  );
  registerCounter(
    registry,
    `${prefix}session_repairs_total`,
    'Attempts whose body ccb repaired because the session moved to another thinking-signature domain, by change: thinking_removed, redacted_thinking_removed, messages_removed, tool_ids_rewritten, thinking_disabled.',
    sessionRepairs,
  );
  registerCounter(registry, `${prefix}tokens_total`, 'Tokens the upstreams reported, by kind.', tokens);
  registerCounter(
    registry,
    `${prefix}received_bytes_total`,
    'Request body bytes received from clients.',
    bytesReceived,
  );
  registerCounter(registry, `${prefix}sent_bytes_total`, 'Response bytes sent to clients.', bytesSent);
  new Gauge({
    name: `${prefix}in_flight_attempts`,
    help: 'Upstream attempts currently in progress.',
    labelNames: ['provider'],
    registers: [registry],
    collect() {
      this.reset();
      for (const cell of inFlight.cells) this.set(cell.labels, cell.value);
    },
  });
  const duration = new HistogramSeries(registry, {
    name: `${prefix}request_duration_seconds`,
    help: 'Time from a request’s arrival to its last byte, in seconds.',
    buckets: durationBucketsInSeconds,
  });
  const firstByte = new HistogramSeries(registry, {
    name: `${prefix}time_to_first_byte_seconds`,
    help: 'Time from a request’s arrival to the first response byte sent to the client, in seconds.',
    buckets: firstByteBucketsInSeconds,
  });
  const overhead = new HistogramSeries(registry, {
    name: `${prefix}overhead_seconds`,
    help: 'Time a request spent in ccb itself, excluding waiting for upstreams, in seconds.',
    buckets: overheadBucketsInSeconds,
  });
  const overheadCell = overhead.cell({});
  // Both timing histograms share their labels: one lookup finds the cells of both.
  const timings = new Series(['provider', 'stream'], (labels) => ({
    labels,
    duration: duration.cell(labels),
    firstByte: firstByte.cell(labels),
  }));

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
  const affinityStats = options.affinityStats;
  if (affinityStats !== undefined) {
    new Gauge({
      name: `${prefix}affinity_sessions`,
      help: 'Sessions bound to a provider for prompt-cache affinity.',
      registers: [registry],
      collect() {
        this.set(affinityStats().sessions);
      },
    });
    new Counter({
      name: `${prefix}affinity_decisions_total`,
      help: 'Affinity decisions: hit (served where the cache is warm), move (rebound elsewhere), miss (no binding).',
      labelNames: ['decision'],
      registers: [registry],
      collect() {
        const stats = affinityStats();
        this.reset();
        this.inc({ decision: 'hit' }, stats.hits);
        this.inc({ decision: 'move' }, stats.moves);
        this.inc({ decision: 'miss' }, stats.misses);
      },
    });
  }
  const budgetSnapshot = options.budgetSnapshot;
  if (budgetSnapshot !== undefined) {
    new Gauge({
      name: `${prefix}budget_remaining`,
      help: 'What is left of each budget in its current window (USD or tokens, per the metric label).',
      labelNames: ['scope', 'name', 'window', 'metric'],
      registers: [registry],
      collect() {
        this.reset();
        for (const budget of budgetSnapshot()) {
          this.set(
            { scope: budget.scope, name: budget.name, window: budget.window, metric: budget.metric },
            Math.max(0, budget.limit - budget.used),
          );
        }
      },
    });
  }
  const logLoss = options.logLoss;
  if (logLoss !== undefined) {
    registerLossCounter(
      registry,
      `${prefix}log_lines_dropped_total`,
      'Log lines stdout never got, by reason: full (its reader did not keep up), error (it failed, e.g. EPIPE).',
      () => logLoss().map((loss) => [loss.reason, loss.lines]),
    );
    registerLossCounter(
      registry,
      `${prefix}log_bytes_dropped_total`,
      'Bytes of the log lines stdout never got, by reason.',
      () => logLoss().map((loss) => [loss.reason, loss.bytes]),
    );
  }
  const stateStore = options.stateStore;
  if (stateStore !== undefined) {
    new Gauge({
      name: `${prefix}state_store_up`,
      help: 'Whether the shared state store (Redis) is reachable: 1 up, 0 down (each instance then serves on its local state).',
      labelNames: ['store'],
      registers: [registry],
      collect() {
        const status = stateStore();
        this.reset();
        this.set({ store: status.store }, status.up ? 1 : 0);
      },
    });
    new Counter({
      name: `${prefix}state_store_write_failures_total`,
      help: 'Writes to the shared state store that failed or waited for it to come back; the local state kept them.',
      labelNames: ['store'],
      registers: [registry],
      collect() {
        const status = stateStore();
        this.reset();
        this.inc({ store: status.store }, status.failedWrites);
      },
    });
  }
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

/** `config_info`, `config_loaded_timestamp_seconds` and `config_reloads_total`, with their setters. */
function registerConfigMetrics(registry: Registry, prefix: string) {
  const info = new Gauge({
    name: `${prefix}config_info`,
    help: 'The configuration in force, by hash (always 1; the hash changes when a reload applies a change).',
    labelNames: ['hash'],
    registers: [registry],
  });
  const loadedAt = new Gauge({
    name: `${prefix}config_loaded_timestamp_seconds`,
    help: 'When the configuration in force was loaded, in seconds since the epoch.',
    registers: [registry],
  });
  const reloads = new Counter({
    name: `${prefix}config_reloads_total`,
    help: 'Configuration reloads, by result: applied, unchanged (nothing differed), rejected (invalid; the running one stays).',
    labelNames: ['result'],
    registers: [registry],
  });
  // Every result exists from the start at 0, so an alert on rejected reloads works before the first one.
  for (const result of ['applied', 'unchanged', 'rejected'] as const) reloads.inc({ result }, 0);
  return {
    loaded(hash: string, loadedAtInMs: number): void {
      info.reset();
      info.set({ hash }, 1);
      loadedAt.set(loadedAtInMs / 1000);
    },
    reloaded(result: ConfigReloadResult): void {
      reloads.inc({ result });
    },
  };
}

/** A counter published from `series` at scrape time. */
function registerCounter(registry: Registry, name: string, help: string, series: Series): void {
  new Counter({
    name,
    help,
    labelNames: series.labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const cell of series.cells) this.inc(cell.labels, cell.value);
    },
  });
}

/** A counter by `reason`, read from `read` at scrape time. */
function registerLossCounter(
  registry: Registry,
  name: string,
  help: string,
  read: () => readonly (readonly [string, number])[],
): void {
  new Counter({
    name,
    help,
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, count] of read()) this.inc({ reason }, count);
    },
  });
}

/** Adds a count from a record, ignoring values a counter must not take (negative, NaN, infinite). */
function addCount(cell: { value: number }, count: number): void {
  if (count > 0 && Number.isFinite(count)) cell.value += count;
}

/** One repaired attempt, counted once under each kind of change its body had. */
function countSessionRepair(
  series: Series,
  provider: string,
  repair: NonNullable<RequestRecord['attempts'][number]['sessionRepair']>,
): void {
  if (repair.thinkingRemoved > 0) series.at(provider, 'thinking_removed').value += 1;
  if (repair.redactedThinkingRemoved > 0) series.at(provider, 'redacted_thinking_removed').value += 1;
  if (repair.messagesRemoved > 0) series.at(provider, 'messages_removed').value += 1;
  if (repair.toolIdsRewritten > 0) series.at(provider, 'tool_ids_rewritten').value += 1;
  if (repair.thinkingDisabled) series.at(provider, 'thinking_disabled').value += 1;
}
