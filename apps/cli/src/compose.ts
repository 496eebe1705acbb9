import type { IncomingMessage } from 'node:http';
import { homedir } from 'node:os';
import type { Config } from '@ccb/config';
import { usageTokens } from '@ccb/ledger';
import type { OAuthAccountStatus } from '@ccb/providers';
import { type AttemptPlanner, createKeyFingerprint, createProxyServer, type RequestRecord } from '@ccb/proxy';
import { createRouter, type RouterEvent } from '@ccb/router';
import { type AuthScope, createMetrics, type LogLoss } from '@ccb/telemetry';
import type { AdminControl } from './admin/admin-control.js';
import { createEventsHub } from './admin/events-hub.js';
import { createRecentAttempts } from './admin/recent-attempts.js';
import type { Balancer, Reconfiguration } from './balancer.js';
import { createCostAccounting } from './cost-accounting.js';
import { loadFingerprintSecret } from './fingerprint-secret.js';
import { needsLoginReason, oauthAccountFactory } from './oauth-accounts.js';
import { subscriptionPoolWarning } from './oauth-pool-warning.js';
import type { OpenedPostgresLedger } from './postgres-ledger.js';
import { createProbes } from './probes.js';
import {
  buildProviders,
  closeAccountsNotIn,
  googleTokenStates,
  type ProviderGeneration,
} from './reload/provider-set.js';
import { proxySettings, serverLimits } from './reload/proxy-settings.js';
import { routerSettings } from './reload/router-settings.js';
import { type RoutingFields, RuntimeOverrides } from './reload/runtime-overrides.js';
import { serviceRoutes } from './service-routes.js';
import { createOverrideSharing, replacingPatch } from './shared-state/override-sharing.js';
import type { SharedState } from './shared-state/shared-state.js';
import { vertexCredentialsFactory } from './vertex-credentials.js';

export interface ComposeOptions {
  /** Folder that relative paths in the config (ledger, price file) are resolved against. Default: the cwd. */
  readonly baseDir?: string;
  /** Something worth an operator's attention that is not an error (e.g. a model without a price). */
  readonly onWarning?: (message: string) => void;
  /** News that is not a warning (e.g. the shared state store is back). */
  readonly onInfo?: (message: string) => void;
  /** Called once per proxied request, after it ended, with what it cost (USD; 0 when not billed or unpriced). */
  readonly onRequestEnd?: (record: RequestRecord, costUsd: number) => void;
  /** Health changes (circuit, cool-downs), once per change. */
  readonly onRouterEvent?: (event: RouterEvent) => void;
  /** Log lines stdout never got (the output's `lostLines`), published in `/metrics`. */
  readonly logLoss?: () => readonly LogLoss[];
  /**
   * A request refused for its key: `client` on the proxied API, `admin` on `/metrics` and `/admin/*`, with the
   * fingerprint of the key it sent (`none` without one). Counted in the metrics whether or not this is given.
   */
  readonly onAuthRejected?: (scope: AuthScope, fingerprint: string, request: IncomingMessage) => void;
  /** With no `auth.admin_key`, serve `/metrics` and `/admin/*` beyond loopback too (`--allow-open-admin`). */
  readonly allowOpenAdmin?: boolean;
  /** The live state shared with other instances, from `openSharedState` (`state.store: redis`); absent on memory. */
  readonly sharedState?: SharedState;
  /** With `ledger.url`: the Postgres ledger `openPostgresLedger` opened (schema checked, budgets' spend read). */
  readonly postgresLedger?: OpenedPostgresLedger;
}

/** Turns the configuration into providers, a router and a proxy server (not yet listening). */
export function composeBalancer(config: Config, options: ComposeOptions = {}): Balancer {
  let current = config;
  const baseDir = options.baseDir ?? process.cwd();
  // Subscription accounts report their state as tokens load, refresh or die; the router exists by the time any does.
  const accountStates = new Map<string, OAuthAccountStatus>();
  let onAccountStatus = (_provider: string, _status: OAuthAccountStatus) => {};
  const newAccount = oauthAccountFactory({
    baseDir,
    onStatus: (provider, status) => onAccountStatus(provider, status),
    // state.store: redis shares each account's tokens and refresh lock with the other instances' hosts.
    ...(options.sharedState !== undefined ? { sharedTokenStore: options.sharedState.oauthTokenStore } : {}),
  });
  // Vertex providers' Google tokens: key files relative to the config, application default credentials from the environment.
  const newVertexCredentials = vertexCredentialsFactory({ baseDir, homeDir: homedir() });
  let generation: ProviderGeneration = buildProviders(config, undefined, newAccount, newVertexCredentials);
  const poolWarning = subscriptionPoolWarning(config);
  if (poolWarning !== undefined) options.onWarning?.(poolWarning);
  const fingerprintSecret = loadFingerprintSecret(config, baseDir);
  const keyFingerprint = createKeyFingerprint(fingerprintSecret.secret);
  const onAuthRejected = (scope: AuthScope) => (fingerprint: string, request: IncomingMessage) => {
    metrics?.authRejected(scope);
    options.onAuthRejected?.(scope, fingerprint, request);
  };
  // The router benches providers over budget; the accounting prices providers for the router: tie the knot lazily.
  let benchProvider = (_provider: string, _untilInMs: number) => {};
  const costs = createCostAccounting(config, {
    baseDir,
    keyFingerprint,
    // Budget counters shared by every instance (state.store: redis); memory otherwise.
    ...(options.sharedState !== undefined ? { budgetStore: options.sharedState.budgetStore } : {}),
    bench: (provider, untilInMs) => benchProvider(provider, untilInMs),
    onUnknownModel: (model, provider) =>
      options.onWarning?.(
        `no price known for model "${model ?? '(none)'}" at provider ${provider}; its cost counts as 0`,
      ),
    onError: (error) => options.onWarning?.(`ledger: ${(error as Error).message}`),
    ...(options.postgresLedger !== undefined ? { postgres: options.postgresLedger } : {}),
  });
  const overrides = new RuntimeOverrides();
  const events = createEventsHub();
  // state.store: redis shares health, affinity and overrides with the other instances; memory builds nothing here.
  const shared = options.sharedState;
  if (shared === undefined && config.state.store === 'redis') {
    options.onWarning?.(
      'state.store is redis but no shared state was opened: this instance keeps its state local',
    );
  }
  const sharing = shared === undefined ? undefined : createOverrideSharing(shared.overrides);
  const router = createRouter({
    ...routerSettings(config, overrides, costs.priceOf),
    ...(shared === undefined ? {} : { healthStore: shared.healthStore, affinityStore: shared.affinityStore }),
    onEvent: (event) => {
      if (event.type === 'rate-limited') metrics?.rateLimited(event.provider, event.rateLimitClass);
      options.onRouterEvent?.(event);
      events.routerEvent(event);
    },
  });
  benchProvider = (provider, untilInMs) => {
    if (router.targets().some((target) => target.name === provider))
      router.bench(provider, untilInMs, 'budget');
  };
  costs.benchProvidersOverBudget();
  // A Redis that restarted without its data forgot the budget counters: when this instance first reaches it and after
  // every restart, they are raised to what the ledger holds. Raised, never added: every instance does it, and the
  // highest reading wins once.
  if (costs.ledger !== undefined) shared?.budgetStore.onCountersMayBeLost(() => void costs.restoreBudgets());
  onAccountStatus = (provider, status) => {
    const before = accountStates.get(provider)?.state;
    accountStates.set(provider, status);
    if (!router.targets().some((target) => target.name === provider)) return;
    // An account that needs a new login leaves rotation until `ccb login` writes a token file it can use.
    if (status.state === 'needs_login' && before !== 'needs_login')
      router.bench(provider, Infinity, needsLoginReason);
    else if (before === 'needs_login' && status.state !== 'needs_login') {
      // A new login is a new credential: what health learned of the dead one (a 401/403 cool-down) is void.
      router.reset(provider);
      router.unbench(provider);
    }
  };
  const inFlight = new Map<string, number>(config.providers.map((provider) => [provider.name, 0]));
  const recent = createRecentAttempts();
  const metrics = config.server.metrics
    ? createMetrics({
        knownModels: knownModels(config),
        healthSnapshot: () => router.snapshot(),
        affinityStats: () => router.affinityStats(),
        budgetSnapshot: () => costs.budgets?.snapshot() ?? [],
        accountStates: () => accountStatesOf(generation),
        ledgerStats: () => costs.ledger?.stats(),
        ...(options.logLoss !== undefined ? { logLoss: options.logLoss } : {}),
        ...(shared !== undefined ? { stateStore: () => shared.metricsReading() } : {}),
      })
    : undefined;
  const onRequestEnd = options.onRequestEnd;
  const probes = createProbes(router);
  // Assigned once everything it names exists; the service routes only read it when a request arrives.
  let balancer: Balancer;
  let control: AdminControl | undefined;
  // Routes are built per configuration (admin keys, metrics guard); they read `balancer` when they answer.
  const view = () => balancer;
  const routesFor = (next: Config) =>
    serviceRoutes({
      config: next,
      balancer: view,
      parts: {
        router,
        costs,
        metrics,
        inFlight,
        events,
        accounts: () => accountStatesOf(generation),
        googleTokens: () => googleTokenStates(generation),
        sharedState: shared,
      },
      control: () => control,
      keyFingerprint,
      allowOpenAdmin: options.allowOpenAdmin === true,
      onAdminRejected: onAuthRejected('admin'),
    });
  // Each proxy snapshot plans with the router settings it was made with: a request is routed by the configuration
  // it started on, even when its body is still arriving while a reload lands.
  const settingsFor = (next: Config, providers: ProviderGeneration, planner: AttemptPlanner) =>
    proxySettings(next, {
      upstreams: providers.upstreams,
      // Only a configuration with budgets pays for looking at plans.
      planner: next.budgets.length > 0 ? costs.planner(planner) : planner,
      keyFingerprint,
      otherRequests: routesFor(next),
    });
  const server = createProxyServer({
    host: config.server.host,
    port: config.server.port,
    ...serverLimits(config),
    ...settingsFor(config, generation, router.planner()),
    onClientRejected: onAuthRejected('client'),
    onAttemptStart: (name) => {
      inFlight.set(name, (inFlight.get(name) ?? 0) + 1);
      metrics?.attemptStarted(name);
    },
    onAttemptEnd: (name) => {
      inFlight.set(name, (inFlight.get(name) ?? 1) - 1);
      metrics?.attemptEnded(name);
    },
    admitRequest: (request) => costs.admit(request),
    onRequestEnd: (record) => {
      const costUsd = costs.record(record);
      if (record.dedup === undefined) recent.record(record);
      else if (metrics !== undefined && record.usage !== undefined) {
        metrics.deduplicated(record.dedup, usageTokens(record.usage), costs.costOf(record));
      } else metrics?.deduplicated(record.dedup, 0, 0);
      metrics?.observe(record, costUsd);
      onRequestEnd?.(record, costUsd);
      events.requestEnded(record, costUsd);
    },
  });

  /**
   * Swaps `next` in as one step. Everything that can fail is built and checked first (prices and budgets, providers,
   * the router's and the proxy's settings) and nothing is in force until all of it is: the router's settings are
   * committed right after the proxy took them, in the same turn of the event loop, so no request sees one without
   * the other.
   */
  function swap(next: Config, nextOverrides: RuntimeOverrides): Reconfiguration {
    const preparedCosts = costs.prepare(next);
    const nextGeneration = buildProviders(next, generation, newAccount, newVertexCredentials);
    let swapped: Reconfiguration;
    let preparedRouter: ReturnType<typeof router.prepare>;
    try {
      preparedRouter = router.prepare(routerSettings(next, nextOverrides, preparedCosts.priceOf));
      swapped = server.reconfigure({
        ...serverLimits(next),
        ...settingsFor(next, nextGeneration, preparedRouter.planner),
      });
    } catch (error) {
      closeAccountsNotIn(nextGeneration.accounts, generation);
      throw error;
    }
    preparedRouter.commit();
    preparedCosts.commit();
    overrides.adopt(nextOverrides);
    const previous = generation;
    current = next;
    generation = nextGeneration;
    afterSwap(previous, swapped);
    return { retired: swapped.retired, drained: swapped.drained };
  }

  /** Follow-ups of a swap: none may undo it, so each failure is reported and the rest still run. */
  function afterSwap(previous: ProviderGeneration, swapped: Reconfiguration): void {
    const steps: [string, () => void][] = [
      ['closing replaced subscription accounts', () => closeAccountsNotIn(previous.accounts, generation)],
      [
        'forgetting the health of rebuilt providers',
        () => {
          // A new key or address is a new account or host: what was learned about the old one (a 401 bench, its
          // rate-limit budget) must not hold the new one back.
          for (const [name, provider] of generation.byName) {
            const before = previous.byName.get(name);
            if (before === undefined || before === provider) continue;
            router.reset(name);
            router.unbench(name);
          }
        },
      ],
      ['benching providers over budget', () => costs.benchProvidersOverBudget()],
      ['labelling new models', () => metrics?.addKnownModels(knownModels(current))],
      ['restarting the probes', () => probes.update(current, generation)],
      [
        'forgetting removed providers',
        () => {
          forgetRemoved();
          for (const name of generation.byName.keys()) if (!inFlight.has(name)) inFlight.set(name, 0);
          recent.keepOnly(new Set(generation.byName.keys()));
        },
      ],
    ];
    for (const [what, step] of steps) {
      try {
        step();
      } catch (error) {
        options.onWarning?.(`after a reload, ${what} failed: ${(error as Error).message}`);
      }
    }
    // Their last attempts end with the drain.
    void swapped.drained.then(forgetRemoved, () => {});
  }

  /** Drops the in-flight counts of providers no longer configured once nothing of theirs is in flight. */
  function forgetRemoved(): void {
    for (const name of [...inFlight.keys()]) {
      if (!generation.byName.has(name) && inFlight.get(name) === 0) inFlight.delete(name);
    }
  }

  function reconfigure(next: Config): Reconfiguration {
    const nextOverrides = overrides.clone();
    nextOverrides.reconcile(routingFields(current), routingFields(next));
    const reconfiguration = swap(next, nextOverrides);
    sharing?.adopted(overrides, routingFields(current).keys());
    return reconfiguration;
  }

  // A peer's spend can put a provider over its budget here too: bench it as this instance's own spend would.
  shared?.followBudgets(() => costs.benchProvidersOverBudget());
  shared?.followOverrides((provider, override) => {
    if (!current.providers.some((configured) => configured.name === provider)) return;
    const next = overrides.clone();
    next.set(provider, replacingPatch(override));
    try {
      swap(current, next);
      sharing?.adopted(overrides, routingFields(current).keys());
      options.onInfo?.(
        `state: another instance ${override === undefined ? 'lifted the override of' : 'set an override on'} provider ${provider}${override === undefined ? '' : `: ${JSON.stringify(override)}`}`,
      );
    } catch (error) {
      options.onWarning?.(
        `state: another instance's override of provider ${provider} could not be applied: ${(error as Error).message}`,
      );
    }
  });

  balancer = {
    server,
    router,
    get providers() {
      return generation.providers;
    },
    get config() {
      return current;
    },
    inFlight,
    metrics,
    costs,
    sharedState: shared,
    fingerprintSecret,
    overrides,
    recent,
    events,
    accounts: () => accountStatesOf(generation),
    googleTokens: () => googleTokenStates(generation),
    keyFingerprint,
    attachControl(next) {
      control = next;
    },
    reconfigure,
    applyOverrides() {
      swap(current, overrides.clone());
      sharing?.applied(overrides, routingFields(current).keys());
    },
    async start() {
      // Token files are read before the first request can need them (a missing or dead one is reported, not thrown).
      await Promise.all([...generation.accounts.values()].map((account) => account.ready()));
      const address = await server.listen();
      probes.update(current, generation);
      return address;
    },
    async close() {
      events.close();
      await probes.stop();
      await server.close();
      closeAccountsNotIn(generation.accounts, undefined);
      try {
        await costs.close();
      } finally {
        // After the accounting: the budget spend it settled last is written to Redis before the connection closes,
        // and a ledger that fails to close must not keep that spend from Redis.
        await shared?.close();
      }
    },
  };
  return balancer;
}

/** The state of each subscription account in force, by provider name. */
function accountStatesOf(generation: ProviderGeneration): ReadonlyMap<string, OAuthAccountStatus> {
  const states = new Map<string, OAuthAccountStatus>();
  for (const [name, account] of generation.accounts) states.set(name, account.status());
  return states;
}

/** Each provider's configured weight, priority and enabled, by name. */
function routingFields(config: Config): Map<string, RoutingFields> {
  return new Map(
    config.providers.map((provider) => [
      provider.name,
      { weight: provider.weight, priority: provider.priority, enabled: provider.enabled },
    ]),
  );
}

/** Models kept verbatim as metric labels: the configured ones and the model-map keys. */
function knownModels(config: Config): string[] {
  return config.providers.flatMap((provider) => [...provider.models, ...Object.keys(provider.model_map)]);
}
