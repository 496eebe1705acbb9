import type { IncomingMessage } from 'node:http';
import { createDocsRoutes, openApiDocument } from '@ccb/admin-api';
import type { Config } from '@ccb/config';
import type { KeyFingerprint } from '@ccb/proxy';
import type { AdminControl } from './admin/admin-control.js';
import { budgetsRoute } from './admin/budgets-route.js';
import { configRoute } from './admin/config-route.js';
import { dashboardRoutes } from './admin/dashboard-routes.js';
import { eventsRoute } from './admin/events-route.js';
import {
  getProviderRoute,
  listProvidersRoute,
  patchProviderRoute,
  providerActionRoute,
} from './admin/provider-routes.js';
import { reloadRoute } from './admin/reload-route.js';
import { createAdminGuard } from './admin-guard.js';
import { adminResetRoute } from './admin-reset-route.js';
import { adminUsageRoute } from './admin-usage-route.js';
import type { Balancer } from './balancer.js';
import { healthRoute } from './health-route.js';
import { metricsRoute } from './metrics-route.js';
import { readinessRoute } from './readiness.js';
import { byMethod, type Route, routeTable } from './route-table.js';
import { version } from './version.js';

/** What the routes outside `/v1/` are built from: one configuration's admin keys, and the running balancer. */
export interface ServiceRoutes {
  readonly config: Config;
  /** The balancer, read when a request arrives (it is assembled after its routes). */
  readonly balancer: () => Balancer;
  readonly parts: Pick<
    Balancer,
    'router' | 'costs' | 'metrics' | 'inFlight' | 'events' | 'accounts' | 'googleTokens' | 'sharedState'
  >;
  readonly control: () => AdminControl | undefined;
  readonly keyFingerprint: KeyFingerprint;
  readonly allowOpenAdmin: boolean;
  readonly onAdminRejected: (fingerprint: string, request: IncomingMessage) => void;
}

const readMethods = ['GET', 'HEAD'];

/** `/openapi.json`, `/docs` and `/redoc` with their files: the same for every configuration. */
const docsRoutes = createDocsRoutes({ document: () => openApiDocument({ version }) });

/** Health, readiness, metrics, the admin API and the docs, as one listener for the proxy's `otherRequests`. */
export function serviceRoutes(options: ServiceRoutes) {
  const { balancer, config, parts } = options;
  const guard = createAdminGuard({
    adminKeys: config.auth.admin_key,
    fingerprint: options.keyFingerprint,
    allowOpenAdmin: options.allowOpenAdmin,
    onRejected: options.onAdminRejected,
  });
  const providers = { balancer, control: options.control };
  const health = healthRoute(version);
  const routes: Record<string, Route> = {
    // The API's description and its viewers: open like /healthz, since they describe ccb and hold nothing of a user's.
    ...Object.fromEntries(
      Object.entries(docsRoutes).map(([path, listener]) => [path, { methods: readMethods, listener }]),
    ),
    '/': { methods: readMethods, listener: health },
    '/healthz': { methods: readMethods, listener: health },
    '/readyz': {
      methods: readMethods,
      listener: readinessRoute(
        () => parts.router.snapshot(),
        parts.inFlight,
        parts.accounts,
        () => parts.sharedState?.readiness(),
        parts.googleTokens,
      ),
    },
    '/admin/usage': { methods: readMethods, listener: guard(adminUsageRoute(parts.costs)) },
    '/admin/budgets': { methods: readMethods, listener: guard(budgetsRoute(parts)) },
    '/admin/reset': { methods: ['POST'], listener: guard(adminResetRoute(parts.router)) },
    '/admin/providers': { methods: readMethods, listener: guard(listProvidersRoute(providers)) },
    '/admin/providers/{name}': {
      methods: ['GET', 'HEAD', 'PATCH'],
      listener: guard(
        byMethod({
          GET: getProviderRoute(providers),
          HEAD: getProviderRoute(providers),
          PATCH: patchProviderRoute(providers),
        }),
        { takesBody: true },
      ),
    },
    '/admin/providers/{name}/disable': {
      methods: ['POST'],
      listener: guard(providerActionRoute(providers, 'disable')),
    },
    '/admin/providers/{name}/enable': {
      methods: ['POST'],
      listener: guard(providerActionRoute(providers, 'enable')),
    },
    '/admin/providers/{name}/drain': {
      methods: ['POST'],
      listener: guard(providerActionRoute(providers, 'drain')),
    },
    '/admin/providers/{name}/reset': {
      methods: ['POST'],
      listener: guard(providerActionRoute(providers, 'reset')),
    },
    '/admin/config': { methods: readMethods, listener: guard(configRoute(balancer)) },
    '/admin/reload': { methods: ['POST'], listener: guard(reloadRoute(options.control)) },
    '/admin/events': { methods: readMethods, listener: guard(eventsRoute(parts.events)) },
    ...dashboardRoutes(readMethods),
  };
  const metrics = parts.metrics;
  if (metrics !== undefined) {
    routes['/metrics'] = { methods: readMethods, listener: metricsRoute(metrics, guard) };
  }
  return routeTable(routes);
}
