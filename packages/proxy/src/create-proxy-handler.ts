import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { InProgressList } from './_in-progress-list.js';
import { createProcessKeyFingerprint } from './client-auth.js';
import { maxReplayMemoryInBytes } from './dedup-options.js';
import type { ShutdownTarget } from './exchange-context.js';
import { LiveSettings } from './live-settings.js';
import type { ProxyHandlerOptions } from './proxy-options.js';
import { proxyRequest } from './proxy-request.js';
import type { ProxySettings, Reconfigured } from './proxy-settings.js';
import { sendError } from './send-error.js';
import { SessionDomains } from './session-domains.js';
import { UpstreamPools } from './upstream.js';

/** The proxy as a node:http request listener. */
export interface ProxyHandler {
  /**
   * Checks a request (`Host`, `Origin`, path, method, media type: `createRequestGuard`), then proxies it to the
   * Anthropic API (`/v1/…`) or hands it to `otherRequests`. It reads the current settings once, here, and runs on
   * them to its end.
   */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** Proxied requests in flight right now, whichever settings they started with. */
  readonly inFlight: number;
  /** The token this instance adds to `via`; a request carrying it again is a loop. */
  readonly viaToken: string;
  /**
   * Swaps the settings live, at once and whole (a reload): requests that start after it run on the new settings,
   * those in progress finish on the ones they started with (every failover attempt included). An upstream whose
   * `origin` and connect timeout are unchanged keeps its connection pool; the others' pools are retired, and closed
   * once the requests started before have ended.
   * @throws {ProxyError} `CCB_PROXY_INVALID_OPTIONS` for settings `createProxyHandler` would refuse (nothing
   * changes then); `CCB_PROXY_CLOSED` after `close()`.
   */
  reconfigure(settings: ProxySettings): Reconfigured;
  /**
   * Ends every request still in progress (a shutdown past its grace period), whichever settings it started with: a
   * committed stream with an SSE `error` event, a request not yet answered with a 503; each is recorded. Resolves
   * when their responses are over, or after `waitInMs` at most.
   */
  endInProgress(waitInMs?: number): Promise<void>;
  /** Closes the upstream connection pools, live and retired. */
  close(): Promise<void>;
}

/**
 * Builds the proxy's request handler: auth, body, routing plan, attempts with failover, records.
 * @throws {ProxyError} `CCB_PROXY_INVALID_OPTIONS` for options that cannot be used.
 */
export function createProxyHandler(options: ProxyHandlerOptions): ProxyHandler {
  const viaToken = `ccb-${randomBytes(6).toString('hex')}`;
  const inProgress = new InProgressList<ShutdownTarget>();
  const settings = new LiveSettings(options, {
    host: options.host,
    viaToken,
    hooks: options,
    inProgress,
    keyFingerprint: createProcessKeyFingerprint(),
    held: { bytes: 0 },
    replayMemory: { bytes: 0, limitInBytes: maxReplayMemoryInBytes },
    pools: new UpstreamPools(options.createDispatcher),
    sessionDomains: new SessionDomains(options.sessionRepair),
  });

  return {
    handle(request, response) {
      const snapshot = settings.current;
      const path = snapshot.guard.admit(request, response);
      if (path === undefined) return;
      if (!path.startsWith('/v1/')) return answerOtherRequest(snapshot.otherRequests, request, response);
      void proxyRequest(snapshot, request, response, path);
    },
    get inFlight() {
      return settings.inFlight;
    },
    viaToken,
    reconfigure: (next) => settings.reconfigure(next),
    async endInProgress(waitInMs = 1000) {
      const ending = inProgress.toArray();
      for (const exchange of ending) exchange.shutDown();
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, waitInMs);
      });
      await Promise.race([Promise.all(ending.map((exchange) => exchange.closed())), waited]);
      clearTimeout(timer);
    },
    close: () => settings.close(),
  };
}

/**
 * Hands a request outside the API to the embedder's listener. A listener that throws (or whose promise rejects) is
 * a bug in that route, not a reason to lose every stream in flight: the client gets a 500 in Anthropic's shape and the
 * process stays up.
 */
function answerOtherRequest(
  listener: RequestListener,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const fail = (error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    if (!response.headersSent) sendError(response, 500, 'api_error', `ccb internal error: ${reason}`);
    else response.destroy();
  };
  try {
    const pending = listener(request, response) as unknown;
    if (pending instanceof Promise) pending.catch(fail);
  } catch (error) {
    fail(error);
  }
}
