import { type ApiRoute, anthropicApiRoutes, matchesApiRoutePath, parseApiRoutePattern } from '@ccb/protocol';
import { ProxyError } from './proxy-error.js';

/** The methods forwarded on one path. */
export interface ApiPath {
  /** Each forwarded method, with the media type its body must have (`undefined`: not checked). */
  readonly methods: ReadonlyMap<string, string | undefined>;
  /** The methods as an `allow` header value, for a 405. */
  readonly allow: string;
}

/** What ccb forwards upstream: the Anthropic API (`anthropicApiRoutes`) and the operator's extra routes. */
export interface ApiSurface {
  /** The methods forwarded on a normalised `/v1/` path; `undefined` when no route has this path. */
  lookup(path: string): ApiPath | undefined;
  /** Every method forwarded on some path (what a CORS preflight may ask for). */
  readonly methods: readonly string[];
}

/**
 * Compiles the forwarded routes once. A path without a wildcard is one map lookup (`/v1/messages` above all); only a
 * path with an id (`/v1/models/claude-…`) is tested against the patterns. `extraRoutes` add methods and paths, never
 * remove or retype a built-in one.
 * @throws {ProxyError} `CCB_PROXY_INVALID_OPTIONS` for an extra route that is not `"METHOD /v1/path"`.
 */
export function createApiSurface(extraRoutes: readonly string[] = []): ApiSurface {
  const routes: ApiRoute[] = [...anthropicApiRoutes];
  for (const text of extraRoutes) {
    const pattern = parseApiRoutePattern(text);
    if ('problem' in pattern) {
      throw new ProxyError('CCB_PROXY_INVALID_OPTIONS', `extra API route "${text}": ${pattern.problem}`);
    }
    routes.push({ ...pattern, contentType: undefined });
  }
  const wildcards = routes.filter((route) => route.segments.includes('*'));
  const literal = new Map<string, ApiPath>();
  for (const route of routes) {
    if (route.segments.includes('*') || literal.has(route.path)) continue;
    // A literal path also takes the methods of the wildcard routes that match it.
    literal.set(route.path, apiPath(routes.filter((other) => matchesApiRoutePath(other, route.path))));
  }
  return {
    lookup(path) {
      const known = literal.get(path);
      if (known !== undefined) return known;
      const matching = wildcards.filter((route) => matchesApiRoutePath(route, path));
      return matching.length === 0 ? undefined : apiPath(matching);
    },
    methods: [...new Set(routes.map((route) => route.method))],
  };
}

/** The methods of `routes` (all matching one path), the first route of a method deciding its media type. */
function apiPath(routes: readonly ApiRoute[]): ApiPath {
  const methods = new Map<string, string | undefined>();
  for (const route of routes) if (!methods.has(route.method)) methods.set(route.method, route.contentType);
  return { methods, allow: [...methods.keys()].join(', ') };
}
