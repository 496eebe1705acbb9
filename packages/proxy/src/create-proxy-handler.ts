import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InProgressList } from './_in-progress-list.js';
import { readingOptions } from './body-reading-options.js';
import { createClientAuth } from './client-auth.js';
import { ProxyError } from './proxy-error.js';
import type { ProxyHandlerOptions } from './proxy-options.js';
import { type ProxyRequestContext, proxyRequest } from './proxy-request.js';
import { refuseRequest } from './refuse-request.js';
import { createRelayedErrorScrubber } from './relayed-error-scrubber.js';
import { createRequestGuard } from './request-guard.js';
import { createUpstreams } from './upstream.js';

/** The proxy as a node:http request listener. */
export interface ProxyHandler {
  /**
   * Checks a request (`Host`, `Origin`, path, method, media type: `createRequestGuard`), then proxies it to the
   * Anthropic API (`/v1/…`) or hands it to `otherRequests`.
   */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** Proxied requests in flight right now. */
  readonly inFlight: number;
  /** The token this instance adds to `via`; a request carrying it again is a loop. */
  readonly viaToken: string;
  /**
   * Ends every request still in progress (a shutdown past its grace period): a committed stream with an SSE
   * `error` event, a request not yet answered with a 503; each is recorded. Resolves when their responses are over,
   * or after `waitInMs` at most.
   */
  endInProgress(waitInMs?: number): Promise<void>;
  /** Closes the upstream connection pools. */
  close(): Promise<void>;
}

/** Builds the proxy's request handler: auth, body, routing plan, attempts with failover, records. */
export function createProxyHandler(options: ProxyHandlerOptions): ProxyHandler {
  const maxAttempts = options.maxAttempts ?? 3;
  if (!(maxAttempts >= 1))
    throw new ProxyError('CCB_PROXY_INVALID_OPTIONS', 'maxAttempts must be at least 1');
  const upstreams = createUpstreams(options.upstreams, options.createDispatcher);
  const viaToken = `ccb-${randomBytes(6).toString('hex')}`;
  // Built once here and shared by every request, so the hot path allocates nothing for its settings.
  const context: ProxyRequestContext = {
    upstreams,
    planner: options.planner,
    maxAttempts,
    firstContentTimeoutInMs: options.firstContentTimeoutInMs ?? 30_000,
    maxRetryAfterInSeconds: options.maxRetryAfterInSeconds ?? 5,
    captureBodiesInBytes: options.captureBodiesInBytes ?? 0,
    relayedErrors: createRelayedErrorScrubber(options.redactValues ?? []),
    viaValue: `1.1 ${viaToken}`,
    hooks: options,
    inProgress: new InProgressList(),
    viaToken,
    auth: createClientAuth(options.clientApiKeys ?? [], options.keyFingerprint),
    bodyReading: readingOptions(options),
  };
  const guard = createRequestGuard(options);
  const otherRequests = options.otherRequests ?? notFound;
  let inFlight = 0;
  const onProxiedClose = () => {
    inFlight--;
  };

  return {
    handle(request, response) {
      const path = guard.admit(request, response);
      if (path === undefined) return;
      if (!path.startsWith('/v1/')) return otherRequests(request, response);
      inFlight++;
      response.once('close', onProxiedClose);
      void proxyRequest(context, request, response, path);
    },
    get inFlight() {
      return inFlight;
    },
    viaToken,
    async endInProgress(waitInMs = 1000) {
      const ending = context.inProgress.toArray();
      for (const exchange of ending) exchange.shutDown();
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, waitInMs);
      });
      await Promise.race([Promise.all(ending.map((exchange) => exchange.closed())), waited]);
      clearTimeout(timer);
    },
    async close() {
      await Promise.all([...upstreams.values()].map((upstream) => upstream.dispatcher.close()));
    },
  };
}

function notFound(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split('?', 1)[0];
  refuseRequest(request, response, 404, 'not_found_error', `no route for ${request.method ?? 'GET'} ${path}`);
}
