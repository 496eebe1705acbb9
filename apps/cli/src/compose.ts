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
import { createRouter, type Router } from '@ccb/router';
import { version } from './version.js';

/** A balancer assembled from a resolved configuration: the one place the libraries meet. */
export interface Balancer {
  readonly server: ProxyServer;
  readonly router: Router;
  readonly providers: readonly Provider[];
}

export interface ComposeOptions {
  /** Called once per proxied request, after it ended. */
  readonly onRequestEnd?: (record: RequestRecord) => void;
  /** Extra routes (readiness, metrics, admin). */
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
  createProviderRegistry(providers);
  const router = createRouter({
    strategy: config.routing.strategy,
    targets: config.providers.map((provider) => ({
      name: provider.name,
      weight: provider.weight,
      priority: provider.priority,
      enabled: provider.enabled,
      models: provider.models,
    })),
  });
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
    ...(options.routes !== undefined ? { routes: options.routes } : {}),
    ...(options.onRequestEnd !== undefined ? { onRequestEnd: options.onRequestEnd } : {}),
  });
  return { server, router, providers };
}
