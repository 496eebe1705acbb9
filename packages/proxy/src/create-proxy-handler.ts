import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Dispatcher, Pool } from 'undici';
import { createClientAuth } from './client-auth.js';
import type { Upstream } from './exchange.js';
import type { AttemptPlanner, RouteRequest, UpstreamTarget, UpstreamTimeouts } from './ports.js';
import { ProxyError } from './proxy-error.js';
import { type ProxyRequestContext, proxyRequest } from './proxy-request.js';
import type { RequestRecord } from './request-record.js';
import { type AnthropicErrorType, sendError } from './send-error.js';

/** An upstream and how to connect to it. */
export interface UpstreamEntry {
  readonly target: UpstreamTarget;
  readonly timeouts: UpstreamTimeouts;
}

/** Handles one non-proxied route (e.g. `/readyz`, `/metrics`); answers the response itself. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void;

export interface ProxyHandlerOptions {
  readonly upstreams: readonly UpstreamEntry[];
  readonly planner: AttemptPlanner;
  /** Keys clients must present (`x-api-key` or `Authorization: Bearer`); empty = no client auth. */
  readonly clientApiKeys?: readonly string[];
  /** Distinct providers tried per request. Default 3. */
  readonly maxAttempts?: number;
  /** Request body limit in bytes. Default 32 MiB, the API's own limit. */
  readonly bodyLimitInBytes?: number;
  /** How long a stream may show no content before ccb gives up on it (the commit gate). Default 30 000 ms. */
  readonly firstContentTimeoutInMs?: number;
  /** Largest `retry-after` passed to the client, in seconds. Default 5. */
  readonly maxRetryAfterInSeconds?: number;
  /**
   * Keep up to this many bytes of each request and response body on the record, for debug logging. Default 0:
   * bodies never leave the hot path.
   */
  readonly captureBodiesInBytes?: number;
  /** Reported by `/healthz`. */
  readonly version?: string;
  /** Extra routes by path (query ignored), answered without client auth checks unless they do their own. */
  readonly routes?: Readonly<Record<string, RouteHandler>>;
  /** Called when an attempt starts and ends (e.g. for in-flight gauges). Must not throw. */
  readonly onAttemptStart?: (provider: string) => void;
  readonly onAttemptEnd?: (provider: string) => void;
  /**
   * Decides whether a request may proceed before any provider is tried (e.g. a client key over its budget).
   * A rejection is answered with its status, `rate_limit_error`-style type and message, and a `retry-after`.
   */
  readonly admitRequest?: (request: {
    readonly clientKeyId: string;
    readonly route: RouteRequest;
  }) => RequestRejection | undefined;
  /** Called once per proxied request, after its response ended. Must not throw. */
  readonly onRequestEnd?: (record: RequestRecord) => void;
  /** The undici dispatcher for an upstream; default: one keep-alive `Pool` per upstream. */
  readonly createDispatcher?: (entry: UpstreamEntry) => Dispatcher;
}

export interface ProxyHandler {
  /** The node:http request listener. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** Requests in flight right now. */
  readonly inFlight: number;
  /** The token this instance adds to `via`; a request carrying it again is a loop. */
  readonly viaToken: string;
  /** Closes the upstream connection pools. */
  close(): Promise<void>;
}

/** Why ccb refuses a request itself, before routing. */
export interface RequestRejection {
  readonly status: number;
  readonly type: AnthropicErrorType;
  readonly message: string;
  /** When the client may come back (ms epoch); sent as `retry-after`, capped like upstream ones. */
  readonly retryAt?: number;
}

/** Builds the proxy's request handler: auth, body, routing plan, attempts with failover, records. */
export function createProxyHandler(options: ProxyHandlerOptions): ProxyHandler {
  const maxAttempts = options.maxAttempts ?? 3;
  const bodyLimitInBytes = options.bodyLimitInBytes ?? 32 * 1024 * 1024;
  const firstContentTimeoutInMs = options.firstContentTimeoutInMs ?? 30_000;
  const maxRetryAfterInSeconds = options.maxRetryAfterInSeconds ?? 5;
  const captureBodiesInBytes = options.captureBodiesInBytes ?? 0;
  if (!(maxAttempts >= 1))
    throw new ProxyError('CCB_PROXY_INVALID_OPTIONS', 'maxAttempts must be at least 1');
  const createDispatcher = options.createDispatcher ?? defaultDispatcher;
  const upstreams = new Map<string, Upstream>();
  for (const entry of options.upstreams) {
    if (upstreams.has(entry.target.name)) {
      throw new ProxyError('CCB_PROXY_INVALID_OPTIONS', `duplicate upstream name "${entry.target.name}"`);
    }
    upstreams.set(entry.target.name, {
      target: entry.target,
      timeouts: entry.timeouts,
      dispatcher: createDispatcher(entry),
    });
  }
  const auth = createClientAuth(options.clientApiKeys ?? []);
  const instanceId = randomBytes(6).toString('hex');
  const viaToken = `ccb-${instanceId}`;
  // Built once here and shared by every request, so the hot path allocates nothing for its settings.
  const context: ProxyRequestContext = {
    upstreams,
    planner: options.planner,
    maxAttempts,
    firstContentTimeoutInMs,
    maxRetryAfterInSeconds,
    captureBodiesInBytes,
    viaValue: `1.1 ${viaToken}`,
    hooks: options,
    viaToken,
    auth,
    bodyLimitInBytes,
  };
  const startedAt = Date.now();
  const healthBody = (): string =>
    JSON.stringify({
      status: 'ok',
      version: options.version ?? '0.0.0',
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
    });
  const routes = options.routes ?? {};
  let inFlight = 0;

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (path.startsWith('/v1/')) {
      inFlight++;
      response.once('close', () => inFlight--);
      void proxyRequest(context, request, response, path);
      return;
    }
    const route = routes[path];
    if (route !== undefined) {
      route(request, response);
      return;
    }
    // Claude Code preconnects with an unauthenticated `HEAD /` and ignores the answer; `/healthz` is for probes.
    if ((path === '/' || path === '/healthz') && (request.method === 'HEAD' || request.method === 'GET')) {
      const body = healthBody();
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      response.end(request.method === 'HEAD' ? undefined : body);
      return;
    }
    request.resume();
    sendError(response, 404, 'not_found_error', `no route for ${request.method ?? 'GET'} ${path}`);
  }

  return {
    handle,
    get inFlight() {
      return inFlight;
    },
    viaToken,
    async close() {
      await Promise.all([...upstreams.values()].map((upstream) => upstream.dispatcher.close()));
    },
  };
}

function defaultDispatcher(entry: UpstreamEntry): Dispatcher {
  return new Pool(entry.target.origin, {
    connect: { timeout: entry.timeouts.connectInMs },
    headersTimeout: entry.timeouts.firstByteInMs,
    bodyTimeout: entry.timeouts.streamIdleInMs,
    keepAliveTimeout: 30_000,
  });
}
