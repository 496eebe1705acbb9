import type { IncomingMessage, ServerResponse } from 'node:http';
import { type RequestListener, refuseRequest } from '@ccb/proxy';

/** A route: the methods it answers, and its listener. */
export interface Route {
  readonly methods: readonly string[];
  readonly listener: RequestListener;
}

/**
 * The CLI's own routes (everything outside the proxied `/v1/` API) as one listener: by exact path, query ignored;
 * an unknown path is a 404 and a known one with another method a 405, both in Anthropic's error shape, reading at
 * most a small body (`refuseRequest`).
 */
export function routeTable(routes: Readonly<Record<string, Route>>): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const method = request.method ?? 'GET';
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
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
    route.listener(request, response);
  };
}
