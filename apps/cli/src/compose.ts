import type { Config } from '@ccb/config';
import { createProvider, createProviderRegistry, type Provider } from '@ccb/providers';
import {
  type AttemptPlanner,
  createProxyServer,
  type ProxyServer,
  type RequestRecord,
  type RouteHandler,
  type UpstreamTarget,
} from '@ccb/proxy';
import { createProbeScheduler, createRouter, type Router, type RouterEvent } from '@ccb/router';
import { createMetrics, type Metrics } from '@ccb/telemetry';
import { toHealthOptions } from './health-options.js';
import { metricsRoute } from './metrics-route.js';
import { probeProvider } from './probe-provider.js';
import { readinessRoute } from './readiness.js';
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
  /** Starts listening and the background probes. */
  start(): Promise<{ url: string }>;
  /** Stops probes, then shuts the server down gracefully. */
  close(): Promise<void>;
}

export interface ComposeOptions {
  /** Called once per proxied request, after it ended. */
  readonly onRequestEnd?: (record: RequestRecord) => void;
  /** Health changes (circuit, cool-downs), once per change. */
  readonly onRouterEvent?: (event: RouterEvent) => void;
  /** Extra routes (metrics, admin). */
  readonly routes?: Readonly<Record<string, RouteHandler>>;
}

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
  const router = createRouter({
    strategy: config.routing.strategy,
    health: toHealthOptions(config.health),
    targets: config.providers.map((provider) => ({
      name: provider.name,
      weight: provider.weight,
      priority: provider.priority,
      enabled: provider.enabled,
      models: provider.models,
    })),
    ...(options.onRouterEvent !== undefined ? { onEvent: options.onRouterEvent } : {}),
  });
  const inFlight = new Map<string, number>(config.providers.map((provider) => [provider.name, 0]));
  const metrics = config.server.metrics
    ? createMetrics({
        knownModels: config.providers.flatMap((provider) => [
          ...provider.models,
          ...Object.keys(provider.model_map),
        ]),
        healthSnapshot: () => router.snapshot(),
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
  const server = createProxyServer({
    host: config.server.host,
    port: config.server.port,
    upstreams,
    planner,
    clientApiKeys: config.auth.api_keys,
    maxAttempts: config.routing.max_attempts,
    bodyLimitInBytes: config.server.body_limit,
    firstContentTimeoutInMs: config.routing.first_content_timeout,
    shutdownGraceInMs: config.server.shutdown_grace,
    version,
    ...(config.server.log_bodies &&
    (config.server.log_level === 'debug' || config.server.log_level === 'trace')
      ? { captureBodiesInBytes: 64 * 1024 }
      : {}),
    routes: {
      '/readyz': readinessRoute(() => router.snapshot(), inFlight),
      ...(metrics !== undefined ? { '/metrics': metricsRoute(metrics, config.auth.admin_key) } : {}),
      ...options.routes,
    },
    onAttemptStart: (name) => {
      inFlight.set(name, (inFlight.get(name) ?? 0) + 1);
      metrics?.attemptStarted(name);
    },
    onAttemptEnd: (name) => {
      inFlight.set(name, (inFlight.get(name) ?? 1) - 1);
      metrics?.attemptEnded(name);
    },
    onRequestEnd: (record) => {
      metrics?.observe(record);
      onRequestEnd?.(record);
    },
  });
  const probe = config.health.probe;
  const probes =
    probe.enabled && config.health.enabled
      ? createProbeScheduler({
          targets: config.providers.filter((provider) => provider.enabled).map((provider) => provider.name),
          intervalMs: probe.interval,
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
    async start() {
      const address = await server.listen();
      probes?.start();
      return address;
    },
    async close() {
      await probes?.stop();
      await server.close();
    },
  };
}
