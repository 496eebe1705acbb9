import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { type Config, isPublicKeyReference } from '@ccb/config';
import {
  type Budget,
  type BudgetStore,
  type Budgets,
  createBudgets,
  createPricing,
  type Price,
  type Pricing,
  promptTokens,
  type SqliteDriver,
  type UsageLedger,
  usageTokens,
} from '@ccb/ledger';
import {
  type AdmissionRequest,
  type AttemptPlanner,
  createProcessKeyFingerprint,
  type KeyFingerprint,
  type RequestRecord,
  type RequestRejection,
} from '@ccb/proxy';
import { createBudgetHolds } from './budget-holds.js';
import { type CacheSavingsTotals, createCacheSavings } from './cache-savings.js';
import { CliError } from './cli-error.js';
import { type BudgetLedger, openLedger } from './open-ledger.js';
import type { OpenedPostgresLedger } from './postgres-ledger.js';
import { readPriceTable, toPrice } from './price-file.js';
import { createSpendEstimate } from './spend-estimate.js';

/** Pricing, the usage ledger and budgets, as one unit the balancer feeds with finished requests. */
export interface CostAccounting {
  /** Prices in force (a reload replaces them). */
  readonly pricing: Pricing;
  /** The usage ledger: the SQLite file, or the Postgres database of `ledger.url`; `undefined` when off. */
  readonly ledger: UsageLedger | undefined;
  /** Why there is no ledger although `ledger.enabled` is true: no SQLite library could be loaded. */
  readonly ledgerUnavailable: string | undefined;
  readonly budgets: Budgets | undefined;
  /** A comparable price per million tokens, for the `cost` strategy. */
  priceOf(provider: string, model: string | undefined): number | undefined;
  /** What a finished request cost in USD (0 when nothing was billed or the model has no price). */
  costOf(record: RequestRecord): number;
  /**
   * Records a finished request: a ledger row and budget spend. Returns its cost: 0 for one answered by another's
   * upstream call (`record.dedup`), whose row says so and carries no tokens.
   */
  record(record: RequestRecord): number;
  /** Today's prompt-cache use and what cache reads saved, counted by this process. */
  cacheSavings(): CacheSavingsTotals;
  /**
   * Raises a shared budget store's counters to the spend the ledger holds (never lowers them): call it whenever the
   * store (Redis) comes back, since one that restarted empty forgot every counter. Never rejects; a no-op without
   * budgets, a ledger, or a store that can lose its counters.
   */
  restoreBudgets(): Promise<void>;
  /** Benches every provider already over budget (spend is read back from the ledger, so this survives restarts). */
  benchProvidersOverBudget(): void;
  /**
   * Before any provider is tried: reserves a Messages request's estimated spend against its key's budgets, and
   * refuses a key over its budget (429). Asynchronous only when a shared budget store decides; free without budgets.
   */
  admit(request: AdmissionRequest): RequestRejection | undefined | Promise<RequestRejection | undefined>;
  /**
   * Wraps the router's planner so that a plan skips providers whose budgets are used up (spent + reserved by
   * requests in flight) and reserves the estimate against the chosen provider's budget.
   */
  planner(planner: AttemptPlanner): AttemptPlanner;
  /**
   * Builds prices and budgets for a reloaded configuration without applying them: `priceOf` prices by the new
   * table already (for the router's new settings), `commit()` puts them in force. Budgets whose definition is
   * unchanged keep what they counted. The ledger stays as it is (its path and settings need a restart).
   * @throws {CliError} for an unreadable price file or budgets that cannot apply: nothing changes then.
   */
  prepare(next: Config): PreparedCosts;
  /** Writes the rows still queued and closes the ledger. */
  close(): Promise<void>;
}

/** Prices and budgets of a configuration, built and not yet in force. */
export interface PreparedCosts {
  priceOf(provider: string, model: string | undefined): number | undefined;
  commit(): void;
}

export interface CostAccountingOptions {
  /** The folder relative paths (ledger, price file) are resolved against: the config file's. */
  readonly baseDir: string;
  /** Benches a provider over its budget until the window resets. */
  readonly bench: (provider: string, untilInMs: number) => void;
  /**
   * How client keys are named in the ledger and budgets: the proxy's, so both agree. Default: a random secret of
   * this process.
   */
  readonly keyFingerprint?: KeyFingerprint;
  readonly onUnknownModel?: (model: string | undefined, provider: string) => void;
  readonly onError?: (error: unknown) => void;
  readonly now?: () => number;
  /** Loads the ledger's SQLite library. Default: the ledger's own (libsql, else node:sqlite). */
  readonly loadDriver?: () => SqliteDriver;
  /**
   * With `ledger.url`: the Postgres ledger opened by `openPostgresLedger`, with the spend budgets restore. Without
   * it one is created here, and budgets count from zero.
   */
  readonly postgres?: OpenedPostgresLedger;
  /**
   * Where budget counters live when several instances share them (`state.store: redis`). Its counters outlive each
   * instance, so budgets are not read back from this instance's ledger. Default: in memory, read back from the ledger.
   */
  readonly budgetStore?: BudgetStore;
}

/** Builds pricing, ledger and budgets from the configuration. */
export function createCostAccounting(config: Config, options: CostAccountingOptions): CostAccounting {
  const keyFingerprint = options.keyFingerprint ?? createProcessKeyFingerprint();
  const { ledger, budgetLedger, readSpend, ledgerUnavailable } = openLedger(config, options);
  let current: PricedBudgets;
  try {
    current = buildPricedBudgets(config, options, keyFingerprint, budgetLedger, ledgerUnavailable, undefined);
  } catch (error) {
    // A bad price file or budget ends the start: the ledger it opened must not stay open behind it.
    ledger?.close().catch(() => {});
    throw error;
  }
  const benchIfOver = (provider: string) => {
    const check = current.budgets?.check('provider', provider);
    if (check?.exceeded) options.bench(provider, check.resetsAt);
  };

  const estimate = createSpendEstimate({
    pricing: () => current.pricing,
    providers: () => current.providerNames,
  });
  const holds = createBudgetHolds({
    budgets: () => current.budgets,
    anyProviderBudget: () => current.providerBudgets.length > 0,
    estimate,
    ...(options.onError !== undefined ? { onError: options.onError } : {}),
  });

  const cacheSavings = createCacheSavings(options.now);
  const priceOfRecord = (record: RequestRecord): Price | undefined => {
    if (record.usage === undefined) return undefined;
    const provider = record.provider ?? record.attempts.at(-1)?.provider;
    if (provider === undefined) return undefined;
    return current.pricing.priceFor(provider, record.modelSent ?? record.model, promptTokens(record.usage));
  };
  const costOf = (record: RequestRecord): number => {
    const price = priceOfRecord(record);
    return price === undefined || record.usage === undefined
      ? 0
      : current.pricing.costOf(record.usage, price);
  };

  return {
    get pricing() {
      return current.pricing;
    },
    ledger,
    ledgerUnavailable,
    get budgets() {
      return current.budgets;
    },
    priceOf: (provider, model) => current.pricing.effectivePrice(provider, model),
    costOf,
    async restoreBudgets() {
      const budgets = current.budgets;
      if (budgets === undefined || readSpend === undefined || options.budgetStore?.raiseTo === undefined)
        return;
      try {
        const untilInMs = (options.now ?? Date.now)();
        await budgets.restoreFrom(await readSpend(untilInMs), untilInMs);
        for (const provider of current.providerBudgets) benchIfOver(provider);
      } catch (error) {
        options.onError?.(error);
      }
    },
    record(record) {
      // A request answered by another's upstream call spent nothing: it is recorded, at no cost and no tokens.
      const deduplicated = record.dedup !== undefined;
      const costUsd = deduplicated ? 0 : costOf(record);
      // Only Messages calls are billed per request; count_tokens, model listings, batches (billed when their results
      // are made) and files would only add noise to the ledger.
      if (record.api !== 'messages') {
        holds.end(record.requestId, undefined);
        return costUsd;
      }
      const usage = deduplicated ? undefined : record.usage;
      if (usage !== undefined) {
        cacheSavings.add({
          inputTokens: usage.inputTokens,
          cacheCreationInputTokens: usage.cacheCreationInputTokens,
          cacheReadInputTokens: usage.cacheReadInputTokens,
          price: usage.cacheReadInputTokens > 0 ? priceOfRecord(record) : undefined,
        });
      }
      ledger?.record({
        time: record.startedAt,
        requestId: record.requestId,
        clientKeyId: record.clientKeyId ?? '',
        sessionId: record.sessionKey ?? null,
        provider: record.provider ?? null,
        modelRequested: record.model ?? null,
        modelSent: record.modelSent ?? null,
        status: record.status,
        attempts: record.attempts.length,
        inputTokens: usage?.inputTokens ?? 0,
        outputTokens: usage?.outputTokens ?? 0,
        cacheCreationInputTokens: usage?.cacheCreationInputTokens ?? 0,
        cacheReadInputTokens: usage?.cacheReadInputTokens ?? 0,
        costUsd,
        durationInMs: record.durationInMs,
        timeToFirstByteInMs: record.timeToFirstByteInMs ?? null,
        stream: record.stream,
        outputEstimated: usage?.outputEstimated === true,
        ...(record.dedup !== undefined ? { dedup: record.dedup } : {}),
      });
      if (current.budgets === undefined) {
        // A reload may have removed every budget while this request held a reservation: release it all the same.
        holds.end(record.requestId, undefined);
        return costUsd;
      }
      if (usage === undefined) {
        holds.end(record.requestId, undefined);
        return costUsd;
      }
      const provider = record.provider ?? record.attempts.at(-1)?.provider;
      const tokens = usageTokens(usage);
      estimate.learn(record.model, costUsd, tokens);
      holds.end(record.requestId, {
        ...(provider !== undefined ? { provider } : {}),
        ...(record.clientKeyId ? { keyId: record.clientKeyId } : {}),
        costUsd,
        tokens,
      });
      if (provider !== undefined) benchIfOver(provider);
      return costUsd;
    },
    cacheSavings: () => cacheSavings.totals(),
    benchProvidersOverBudget() {
      for (const provider of current.providerBudgets) benchIfOver(provider);
    },
    admit: (request) => holds.admit(request),
    planner: (planner) => holds.planner(planner),
    prepare(next) {
      const built = buildPricedBudgets(
        next,
        options,
        keyFingerprint,
        budgetLedger,
        ledgerUnavailable,
        current,
      );
      return {
        priceOf: (provider, model) => built.pricing.effectivePrice(provider, model),
        commit() {
          current = built;
        },
      };
    },
    async close() {
      await ledger?.close();
    },
  };
}

/** The parts of the accounting a reload rebuilds: prices, and budgets when their definition changed. */
interface PricedBudgets {
  readonly pricing: Pricing;
  readonly budgets: Budgets | undefined;
  /** Providers with a budget of their own. */
  readonly providerBudgets: readonly string[];
  /** Every configured provider. */
  readonly providerNames: readonly string[];
  /** The budget list these were built from, to tell whether a reload changed it. */
  readonly budgetList: readonly Budget[];
}

/**
 * Builds pricing and budgets for `config`. Budgets whose definition is unchanged from `previous` are kept as they
 * are: without a ledger they count in memory only, and a reload must not reset what they counted.
 * @throws {CliError} for an unreadable price file, or budgets that cannot apply.
 */
function buildPricedBudgets(
  config: Config,
  options: CostAccountingOptions,
  keyFingerprint: KeyFingerprint,
  ledger: BudgetLedger,
  ledgerUnavailable: string | undefined,
  previous: PricedBudgets | undefined,
): PricedBudgets {
  const pricing = createPricing({
    ...(config.pricing.file !== undefined
      ? { table: readPriceTable(resolve(options.baseDir, config.pricing.file)) }
      : {}),
    providers: Object.fromEntries(
      config.providers.map((provider) => [
        provider.name,
        {
          multiplier: provider.pricing.multiplier,
          models: Object.fromEntries(
            Object.entries(provider.pricing.models).map(([glob, price]) => [
              glob,
              price === 'free' ? 'free' : toPrice(price),
            ]),
          ),
        },
      ]),
    ),
    ...(options.onUnknownModel !== undefined ? { onUnknownModel: options.onUnknownModel } : {}),
  });
  if (ledgerUnavailable !== undefined && config.budgets.length > 0) {
    throw new CliError(
      `budgets need the usage ledger, which cannot open: ${ledgerUnavailable} ` +
        'Otherwise remove budgets from the config, or set ledger.enabled: false to count them in memory only ' +
        '(from zero at every start).',
    );
  }
  const budgetList: Budget[] = config.budgets.map((budget, index) => ({
    scope: budget.provider !== undefined ? 'provider' : 'key',
    name: budget.provider ?? budgetKeyName(config, index, keyFingerprint),
    ...(budget.daily_usd !== undefined ? { dailyUsd: budget.daily_usd } : {}),
    ...(budget.monthly_usd !== undefined ? { monthlyUsd: budget.monthly_usd } : {}),
    ...(budget.daily_tokens !== undefined ? { dailyTokens: budget.daily_tokens } : {}),
    ...(budget.monthly_tokens !== undefined ? { monthlyTokens: budget.monthly_tokens } : {}),
  }));
  const unchanged =
    previous !== undefined && JSON.stringify(previous.budgetList) === JSON.stringify(budgetList);
  const budgets = unchanged
    ? previous.budgets
    : budgetList.length > 0
      ? createBudgets({
          budgets: budgetList,
          // A shared store holds what every instance spent; this instance's ledger holds a part of it.
          ...(options.budgetStore !== undefined
            ? { store: options.budgetStore }
            : ledger !== undefined
              ? { ledger }
              : {}),
          ...(options.now !== undefined ? { now: options.now } : {}),
          ...(options.onError !== undefined ? { onError: options.onError } : {}),
        })
      : undefined;
  const providerBudgets = budgetList
    .filter((budget) => budget.scope === 'provider')
    .map((budget) => budget.name);
  const providerNames = config.providers.map((provider) => provider.name);
  return { pricing, budgets, providerBudgets, providerNames, budgetList };
}

/**
 * A budget's `key` as budgets name keys: `*`, a 12-hex fingerprint as shown in logs, or the key itself
 * (fingerprinted, never kept). A fingerprint that names none of `auth.api_keys` is refused: that budget would
 * never apply, which is a budget silently off, e.g. one written before fingerprints were keyed.
 */
function budgetKeyName(config: Config, index: number, fingerprint: KeyFingerprint): string {
  const key = config.budgets[index]?.key as string;
  if (!isPublicKeyReference(key)) return fingerprint(key);
  if (key === '*') return key;
  const clientKeys = config.auth.api_keys;
  if (clientKeys.some((clientKey) => fingerprint(clientKey) === key)) return key;
  // Fingerprints used to be a plain SHA-256 of the key: point at the key an old one names, and its new name.
  const legacy = clientKeys.findIndex(
    (clientKey) => createHash('sha256').update(clientKey).digest('hex').slice(0, 12) === key,
  );
  const fix =
    legacy !== -1
      ? `it is the old, unkeyed fingerprint of auth.api_keys[${legacy}], now named ${fingerprint(clientKeys[legacy] as string)}: write that, or the key itself (\${VAR})`
      : 'write the fingerprint ccb logs for the key now, or the key itself (${VAR})';
  throw new CliError(
    `budgets[${index}].key: ${key} is the fingerprint of none of auth.api_keys, so this budget would never apply; ${fix}. ` +
      'Fingerprints are keyed by auth.fingerprint_secret or the ccb-fingerprint.key file beside the ledger, and change with them.',
  );
}
