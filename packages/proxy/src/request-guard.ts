import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnthropicErrorType } from '@ccb/protocol';
import { createApiSurface } from './api-surface.js';
import { type CorsPolicy, createCorsPolicy } from './cors-policy.js';
import { createHostCheck } from './host-check.js';
import { isMediaType } from './media-type.js';
import { refuseRequest } from './refuse-request.js';
import { normalizeRequestPath } from './request-path.js';

/** What the guard accepts beyond its defaults; `createProxyHandler` passes its options. */
export interface RequestGuardOptions {
  /** The address or name the server listens on. Default `127.0.0.1`. */
  readonly host?: string | undefined;
  readonly allowedHosts?: readonly string[] | undefined;
  readonly corsOrigins?: readonly string[] | undefined;
  readonly extraApiRoutes?: readonly string[] | undefined;
}

/** The checks every request passes before anything else looks at it. */
export interface RequestGuard {
  /**
   * Checks one request; returns its path in normal form, or `undefined` when the guard answered it (a refusal, or a
   * CORS preflight). When the path had another spelling, `request.url` is rewritten to the normal one (the query
   * left as sent), so everything after the guard (routing, the upstream request, the record) sees that one.
   */
  admit(request: IncomingMessage, response: ServerResponse): string | undefined;
}

/**
 * Builds the guard once per handler, with every setting precomputed. In order, for every request (the API and the
 * CLI's own routes alike):
 * 1. `Host` must name this ccb (`createHostCheck`), else 421: a DNS-rebinding page names itself.
 * 2. A request with `Origin` comes from a web page: 403 unless the origin is in `corsOrigins`, or is ccb's own (the
 *    origin names the host the request was sent to, which step 1 checked: ccb's pages, `/ui` and `/docs`, send
 *    `Origin` with their module scripts and POSTs). An allowed origin's
 *    preflight is answered here (204), and anything else it sends gets CORS headers on whatever answers it. Without
 *    `Origin`, `Sec-Fetch-Site: cross-site` (a browser loading ccb as an image, script or link target of another
 *    site) is refused too.
 * 3. The path must be one a normalising upstream reads the same way (`normalizeRequestPath`), else 400.
 * 4. Under `/v1/`: only the Anthropic API and `extraApiRoutes` are forwarded: another path is a 404, another method a
 *    405 with `allow` (`OPTIONS` included: it never goes upstream), and a body of the wrong media type (text/plain to
 *    the Messages API) a 415.
 */
export function createRequestGuard(options: RequestGuardOptions): RequestGuard {
  const checkHost = createHostCheck(options.host ?? '127.0.0.1', options.allowedHosts ?? []);
  const surface = createApiSurface(options.extraApiRoutes);
  const corsOrigins = options.corsOrigins ?? [];
  const cors: CorsPolicy | undefined =
    corsOrigins.length === 0 ? undefined : createCorsPolicy(corsOrigins, surface.methods);
  return {
    admit(request, response) {
      const headers = request.headers;
      if (!checkHost(headers.host)) {
        return refuse(
          request,
          response,
          421,
          'invalid_request_error',
          `Host ${quoted(headers.host)} does not name this ccb: use localhost, 127.0.0.1, [::1] or its listen address, or add the name to server.allowed_hosts`,
        );
      }
      const origin = headers.origin;
      if (origin !== undefined && !isSameOrigin(origin, headers.host)) {
        if (cors === undefined || !cors.allows(origin)) {
          return refuse(
            request,
            response,
            403,
            'permission_error',
            `web pages of origin ${quoted(origin)} may not call ccb: add the origin to server.cors_origins to allow it`,
          );
        }
        if (request.method === 'OPTIONS' && headers['access-control-request-method'] !== undefined) {
          cors.answerPreflight(request, response, origin);
          return undefined;
        }
        cors.decorate(response, origin);
      } else if (headers['sec-fetch-site'] === 'cross-site') {
        return refuse(
          request,
          response,
          403,
          'permission_error',
          "requests from another site's web page are refused (Sec-Fetch-Site: cross-site)",
        );
      }
      const url = request.url ?? '/';
      const queryAt = url.indexOf('?');
      const sentPath = queryAt === -1 ? url : url.slice(0, queryAt);
      const path = normalizeRequestPath(sentPath);
      if (typeof path !== 'string')
        return refuse(request, response, 400, 'invalid_request_error', path.refused);
      if (path !== sentPath) request.url = queryAt === -1 ? path : path + url.slice(queryAt);
      if (!path.startsWith('/v1/')) return path;
      const method = request.method ?? 'GET';
      const api = surface.lookup(path);
      if (api === undefined) {
        return refuse(
          request,
          response,
          404,
          'not_found_error',
          `ccb forwards only the Anthropic API: no route for ${method} ${path} (server.extra_api_routes can add one)`,
        );
      }
      if (!api.methods.has(method)) {
        return refuse(request, response, 405, 'invalid_request_error', `${path} does not answer ${method}`, [
          'allow',
          api.allow,
        ]);
      }
      const contentType = api.methods.get(method);
      if (contentType !== undefined && !isMediaType(headers['content-type'], contentType)) {
        return refuse(
          request,
          response,
          415,
          'invalid_request_error',
          `${method} ${path} needs content-type: ${contentType}; got ${quoted(headers['content-type'])}`,
        );
      }
      return path;
    },
  };
}

/** Answers a refused request in Anthropic's error shape, reading at most a small body (`refuseRequest`). */
function refuse(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  type: AnthropicErrorType,
  message: string,
  headers?: readonly string[],
): undefined {
  refuseRequest(request, response, status, type, message, headers === undefined ? {} : { headers });
  return undefined;
}

/** A client's header value in a message: quoted, and cut short (it is the client's text, of any length). */
function quoted(value: string | undefined): string {
  if (value === undefined) return 'none';
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
}

/** `Origin` names the very host (and port) the request was sent to: a page ccb served itself. */
function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  const lower = origin.toLowerCase();
  const named = host.toLowerCase();
  return lower === `http://${named}` || lower === `https://${named}`;
}
