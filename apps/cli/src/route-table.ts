import type { IncomingMessage, ServerResponse } from 'node:http';
import { refuseRequest } from '@ccb/proxy';

/** A route's listener: the node:http signature, plus the values of the path's `{name}` segments. */
export type RouteListener = (
  request: IncomingMessage,
  response: ServerResponse,
  params: Readonly<Record<string, string>>,
) => void;

/** A route: the methods it answers, and its listener. */
export interface Route {
  readonly methods: readonly string[];
  readonly listener: RouteListener;
}

interface PatternRoute {
  /** Literal segments, or `{name}` captures one segment (decoded), or a final `*` takes the rest. */
  readonly segments: readonly string[];
  readonly pattern: string;
  readonly route: Route;
}

const noParams: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The CLI's own routes (everything outside the proxied `/v1/` API) as one listener: by exact path first, then by
 * pattern (`/admin/providers/{name}`, `/docs/*`), query ignored; an unknown path is a 404 and a known one with another
 * method a 405, both in Anthropic's error shape, reading at most a small body (`refuseRequest`).
 */
export function routeTable(
  routes: Readonly<Record<string, Route>>,
): (request: IncomingMessage, response: ServerResponse) => void {
  const patterns: PatternRoute[] = Object.entries(routes)
    .filter(([path]) => path.includes('{') || path.endsWith('/*'))
    .map(([pattern, route]) => ({ pattern, segments: pattern.split('/'), route }));
  return (request, response) => {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const method = request.method ?? 'GET';
    let route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    let params = noParams;
    if (route === undefined && patterns.length > 0) {
      for (const candidate of patterns) {
        const matched = matchPattern(candidate.segments, path);
        if (matched !== undefined) {
          route = candidate.route;
          params = matched;
          break;
        }
      }
    }
    if (route === undefined) {
      return refuseRequest(request, response, 404, 'not_found_error', `no route for ${method} ${path}`);
    }
    if (!route.methods.includes(method)) {
      return refuseRequest(
        request,
        response,
        405,
        'invalid_request_error',
        `${path} does not answer ${method}`,
        {
          headers: ['allow', route.methods.join(', ')],
        },
      );
    }
    route.listener(request, response, params);
  };
}

function matchPattern(segments: readonly string[], path: string): Record<string, string> | undefined {
  const parts = path.split('/');
  const params: Record<string, string> = {};
  for (let index = 0; index < segments.length; index += 1) {
    const segment = segments[index] as string;
    const part = parts[index];
    if (segment === '*' && index === segments.length - 1) {
      if (part === undefined || part === '') return undefined;
      params['*'] = parts.slice(index).join('/');
      return params;
    }
    if (part === undefined) return undefined;
    if (segment.startsWith('{') && segment.endsWith('}')) {
      if (part === '') return undefined;
      try {
        params[segment.slice(1, -1)] = decodeURIComponent(part);
      } catch {
        return undefined;
      }
    } else if (segment !== part) {
      return undefined;
    }
  }
  return parts.length === segments.length ? params : undefined;
}

/** One listener answering each method with its own (the route's `methods` list which ones may arrive). */
export function byMethod(listeners: Readonly<Record<string, RouteListener>>): RouteListener {
  return (request, response, params) => {
    const listener = listeners[request.method ?? 'GET'];
    if (listener === undefined) {
      refuseRequest(
        request,
        response,
        405,
        'invalid_request_error',
        `${request.method} is not answered here`,
      );
      return;
    }
    listener(request, response, params);
  };
}
