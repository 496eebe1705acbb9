import type { IncomingMessage } from 'node:http';
import { type Config, configSecrets } from '@ccb/config';
import { createProvider, createProviderRegistry, type Provider } from '@ccb/providers';
import {
  type AttemptPlanner,
  createKeyFingerprint,
  createProxyServer,
  type ProxyServer,
  type RequestRecord,
  type UpstreamTarget,
} from '@ccb/proxy';
import { createProbeScheduler, createRouter, type Router, type RouterEvent } from '@ccb/router';
import { type AuthScope, createMetrics, type LogLoss, type Metrics, minRedactedLength } from '@ccb/telemetry';
import { createAdminGuard } from './admin-guard.js';
import { adminResetRoute } from './admin-reset-route.js';
import { adminUsageRoute } from './admin-usage-route.js';
import { type CostAccounting, createCostAccounting } from './cost-accounting.js';
import { type FingerprintSecret, loadFingerprintSecret } from './fingerprint-secret.js';
import { toHealthOptions } from './health-options.js';
import { healthRoute } from './health-route.js';
import { metricsRoute } from './metrics-route.js';
import { probeProvider } from './probe-provider.js';
import { readinessRoute } from './readiness.js';
import { routeTable } from './route-table.js';
import { version } from './version.js';

/** A balancer assembled from a resolved configuration: the one place the libraries meet. */
export interface Balancer {
  readonly server: ProxyServer;
  readonly router: Router;
  readonly providers: readonly Provider[];
  /** Attempts in flight per provider. */
  readonly inFlight: ReadonlyMap<string, number>;
  /** Prometheus metrics, unless `server.metrics` is off. */
  readonly metrics: Metrics | undefined;
  /** Pricing, the usage ledger and budgets. */
  readonly costs: CostAccounting;
  /** The secret keying client-key fingerprints, and where it came from. */
  readonly fingerprintSecret: FingerprintSecret;
  /** Starts listening and the background probes. */
  start(): Promise<{ url: string }>;
  /** Stops probes, then shuts the server down gracefully. */
  close(): Promise<void>;
}

export interface ComposeOptions {
  /** Folder that relative paths in the config (ledger, price file) are resolved against. Default: the cwd. */
  readonly baseDir?: string;
  /** Something worth an operator's attention that is not an error (e.g. a model without a price). */
  readonly onWarning?: (message: string) => void;
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
}

const readMethods = ['GET', 'HEAD'];

/** Turns the configuration into providers, a router and a proxy server (not yet listening). */
export function composeBalancer(config: Config, options: ComposeOptions = {}): Balancer {
  const providers = config.providers.map((provider) =>
    createProvider({
      name: provider.name,
      baseUrl: provider.base_url,
      authType: provider.auth_type,
      ...(provider.api_key !== undefined ? { apiKey: provider.api_key } : {}),
      headers: provider.headers,
      modelMap: provider.model_map,
    }),
  );
  const registry = createProviderRegistry(providers);
  const baseDir = options.baseDir ?? process.cwd();
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
    bench: (provider, untilInMs) => benchProvider(provider, untilInMs),
    onUnknownModel: (model, provider) =>
      options.onWarning?.(
        `no price known for model "${model ?? '(none)'}" at provider ${provider}; its cost counts as 0`,
      ),
    onError: (error) => options.onWarning?.(`ledger: ${(error as Error).message}`),
  });
  const routing = config.routing;
  const router = createRouter({
    strategy: routing.strategy,
    priceOf: costs.priceOf,
    affinity: routing.affinity.enabled
      ? { enabled: true, ttlInMs: routing.affinity.ttl, maxSessions: routing.affinity.max_sessions }
      : false,
    rules: routing.rules.map((rule) => ({
      name: rule.name,
      match: {
        ...(rule.match.model !== undefined ? { model: rule.match.model } : {}),
        ...(rule.match.family !== undefined ? { family: rule.match.family } : {}),
        ...(rule.match.thinking !== undefined ? { thinking: rule.match.thinking } : {}),
        ...(rule.match.min_input_tokens !== undefined ? { minInputTokens: rule.match.min_input_tokens } : {}),
      },
      ...(rule.providers !== undefined ? { providers: rule.providers } : {}),
      ...(rule.model !== undefined ? { model: rule.model } : {}),
    })),
    health: toHealthOptions(config.health),
    targets: config.providers.map((provider) => ({
      name: provider.name,
      weight: provider.weight,
      priority: provider.priority,
      enabled: provider.enabled,
      models: provider.models,
    })),
    onEvent: (event) => {
      if (event.type === 'rate-limited') metrics?.rateLimited(event.provider, event.rateLimitClass);
      options.onRouterEvent?.(event);
    },
  });
  benchProvider = (provider, untilInMs) => router.bench(provider, untilInMs, 'budget');
  costs.benchProvidersOverBudget();
  const inFlight = new Map<string, number>(config.providers.map((provider) => [provider.name, 0]));
  const metrics = config.server.metrics
    ? createMetrics({
        knownModels: config.providers.flatMap((provider) => [
          ...provider.models,
          ...Object.keys(provider.model_map),
        ]),
        healthSnapshot: () => router.snapshot(),
        affinityStats: () => router.affinityStats(),
        ...(costs.budgets !== undefined
          ? { budgetSnapshot: (costs.budgets as NonNullable<typeof costs.budgets>).snapshot }
          : {}),
        ...(options.logLoss !== undefined ? { logLoss: options.logLoss } : {}),
      })
    : undefined;
  const onRequestEnd = options.onRequestEnd;
  const upstreams = config.providers.map((provider, index) => ({
    target: providers[index] as UpstreamTarget,
    timeouts: {
      connectInMs: provider.timeouts.connect,
      firstByteInMs: provider.timeouts.first_byte,
      streamIdleInMs: provider.timeouts.stream_idle,
    },
  }));
  const planner: AttemptPlanner = router;
  const health = healthRoute(version);
  const adminGuard = createAdminGuard({
    adminKeys: config.auth.admin_key,
    allowOpenAdmin: options.allowOpenAdmin === true,
    fingerprint: keyFingerprint,
    onRejected: onAuthRejected('admin'),
  });
  const server = createProxyServer({
    host: config.server.host,
    port: config.server.port,
    allowedHosts: config.server.allowed_hosts,
    corsOrigins: config.server.cors_origins,
    extraApiRoutes: config.server.extra_api_routes,
    upstreams,
    planner,
    clientApiKeys: config.auth.api_keys,
    // A provider echoing its key in an error must not show it to clients; values too short to be secrets would be
    // cut out of ordinary words (serve warns about them).
    redactValues: configSecrets(config).filter((secret) => secret.length >= minRedactedLength),
    keyFingerprint,
    onClientRejected: onAuthRejected('client'),
    maxAttempts: config.routing.max_attempts,
    bodyLimitInBytes: config.server.body_limit,
    bodyTimeoutInMs: config.server.body_timeout,
    maxBodyMemoryInBytes: config.server.max_body_memory,
    headersTimeoutInMs: config.server.headers_timeout,
    idleTimeoutInMs: config.server.idle_timeout,
    maxConnectionsPerClient: config.server.max_connections_per_client,
    firstContentTimeoutInMs: config.routing.first_content_timeout,
    shutdownGraceInMs: config.server.shutdown_grace,
    ...(config.server.log_bodies &&
    (config.server.log_level === 'debug' || config.server.log_level === 'trace')
      ? { captureBodiesInBytes: 64 * 1024 }
      : {}),
    otherRequests: routeTable({
      '/': { methods: readMethods, listener: health },
      '/healthz': { methods: readMethods, listener: health },
      '/readyz': { methods: readMethods, listener: readinessRoute(() => router.snapshot(), inFlight) },
      ...(metrics !== undefined
        ? { '/metrics': { methods: readMethods, listener: metricsRoute(metrics, adminGuard) } }
        : {}),
      '/admin/usage': {
        methods: readMethods,
        listener: adminUsageRoute(costs, adminGuard),
      },
      '/admin/reset': { methods: ['POST'], listener: adminResetRoute(router, adminGuard) },
    }),
    onAttemptStart: (name) => {
      inFlight.set(name, (inFlight.get(name) ?? 0) + 1);
      metrics?.attemptStarted(name);
    },
    onAttemptEnd: (name) => {
      inFlight.set(name, (inFlight.get(name) ?? 1) - 1);
      metrics?.attemptEnded(name);
    },
    admitRequest: costs.admit,
    onRequestEnd: (record) => {
      const costUsd = costs.record(record);
      metrics?.observe(record, costUsd);
      onRequestEnd?.(record, costUsd);
    },
  });
  const probe = config.health.probe;
  const probes =
    probe.enabled && config.health.enabled
      ? createProbeScheduler({
          targets: config.providers.filter((provider) => provider.enabled).map((provider) => provider.name),
          intervalInMs: probe.interval,
          probe: (name, signal) =>
            probeProvider(registry.require(name), probe.kind, { signal, timeoutInMs: probe.timeout }),
          onResult: router.reportProbe,
        })
      : undefined;
  return {
    server,
    router,
    providers,
    inFlight,
    metrics,
    costs,
    fingerprintSecret,
    async start() {
      const address = await server.listen();
      probes?.start();
      return address;
    },
    async close() {
      await probes?.stop();
      await server.close();
      costs.close();
    },
  };
}
