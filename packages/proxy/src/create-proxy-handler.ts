import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type Dispatcher, Pool } from 'undici';
import { createClientAuth } from './client-auth.js';
import { type ClientHeaders, readClientHeaders } from './hop-by-hop.js';
import type { AttemptPlanner, RouteRequest, UpstreamTarget, UpstreamTimeouts } from './ports.js';
import { ProxyError } from './proxy-error.js';
import { readRequestBody } from './read-request-body.js';
import { readRequestBodyInfo } from './request-body-info.js';
import type { AttemptRecord, RequestRecord } from './request-record.js';
import { responseHeaders } from './response-headers.js';
import { type AnthropicErrorType, sendError } from './send-error.js';
import { type AttemptResult, UpstreamAttempt } from './upstream-attempt.js';
import { upstreamHeaders } from './upstream-headers.js';

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

/** How a request ended, for its record. */
interface RequestEnd {
  readonly status: number;
  readonly provider?: string;
  readonly usage?: RequestRecord['usage'];
  readonly upstreamRequestId?: string | undefined;
  readonly bytesOut?: number;
  readonly responseBody?: Buffer | undefined;
}

interface Upstream {
  readonly target: UpstreamTarget;
  readonly dispatcher: Dispatcher;
  readonly timeouts: UpstreamTimeouts;
}

const messagesPath = '/v1/messages';
const countTokensPath = '/v1/messages/count_tokens';

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
  const viaValue = `1.1 ${viaToken}`;
  const startedAt = Date.now();
  const healthBody = (): string =>
    JSON.stringify({
      status: 'ok',
      version: options.version ?? '0.0.0',
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
    });
  const routes = options.routes ?? {};
  let inFlight = 0;

  async function proxy(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const arrivedAt = performance.now();
    const headers = readClientHeaders(request.rawHeaders);
    const requestId = headers.requestId ?? `ccb_${randomUUID()}`;
    response.setHeader('x-request-id', requestId);
    if (headers.via?.includes(viaToken)) {
      request.resume();
      return sendError(
        response,
        508,
        'api_error',
        `request loop detected: it already passed through this ccb (${viaToken})`,
      );
    }
    const clientKeyId = auth.verify(headers.apiKey, headers.authorization);
    if (clientKeyId === undefined) {
      request.resume();
      return sendError(
        response,
        401,
        'authentication_error',
        'invalid or missing ccb API key: send one of auth.api_keys as x-api-key or Authorization: Bearer',
      );
    }
    let body: Buffer | null = null;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      try {
        body = await readRequestBody(request, bodyLimitInBytes);
      } catch (error) {
        if (ProxyError.is(error) && error.code === 'CCB_PROXY_BODY_TOO_LARGE') {
          response.setHeader('connection', 'close');
          return sendError(response, 413, 'request_too_large', error.message);
        }
        return; // the client went away while sending
      }
    }
    const isMessages = path === messagesPath;
    let route: RouteRequest = {};
    let stream = false;
    if (body !== null && (isMessages || path === countTokensPath) && request.method === 'POST') {
      const info = readRequestBodyInfo(body, headers.sessionId);
      if (info === undefined) {
        return sendError(response, 400, 'invalid_request_error', 'request body is not a valid JSON object');
      }
      stream = info.stream;
      route = {
        model: info.model,
        sessionKey: info.sessionKey,
        thinking: info.thinking,
        inputTokens: Math.ceil(body.length / 4),
      };
    }
    const exchange = new Exchange({
      request,
      response,
      headers,
      body,
      requestId,
      clientKeyId,
      route,
      stream,
      observeUsage: isMessages,
      arrivedAt,
    });
    await exchange.run();
  }

  interface ExchangeInit {
    readonly request: IncomingMessage;
    readonly response: ServerResponse;
    readonly headers: ClientHeaders;
    readonly body: Buffer | null;
    readonly requestId: string;
    readonly clientKeyId: string;
    readonly route: RouteRequest;
    readonly stream: boolean;
    readonly observeUsage: boolean;
    readonly arrivedAt: number;
  }

  /** One client request and its attempts. */
  class Exchange {
    readonly #init: ExchangeInit;
    readonly #attempts: AttemptRecord[] = [];
    #current: UpstreamAttempt | undefined;
    #clientGone = false;
    #firstByteAt: number | undefined;
    /** The model to send after routing rules (before each provider's `model_map`). */
    #model: string | undefined;
    #modelSent: string | undefined;
    #rule: string | undefined;
    #affinity = false;

    constructor(init: ExchangeInit) {
      this.#init = init;
      init.response.once('close', () => {
        if (init.response.writableFinished) return;
        this.#clientGone = true;
        this.#current?.abortForClient();
      });
    }

    async run(): Promise<void> {
      const { response, route, requestId } = this.#init;
      const model = route.model;
      const rejection = options.admitRequest?.({ clientKeyId: this.#init.clientKeyId, route });
      if (rejection !== undefined) {
        const headers =
          rejection.retryAt === undefined
            ? []
            : [
                'retry-after',
                String(
                  Math.min(
                    maxRetryAfterInSeconds,
                    Math.max(1, Math.ceil((rejection.retryAt - Date.now()) / 1000)),
                  ),
                ),
              ];
        sendError(response, rejection.status, rejection.type, rejection.message, headers);
        return this.#record({ status: rejection.status });
      }
      const routePlan = options.planner.route(route);
      const plan = routePlan.providers;
      this.#model = routePlan.model ?? model;
      this.#rule = routePlan.rule;
      this.#affinity = routePlan.affinity === true;
      const candidates = plan.length > maxAttempts ? plan.slice(0, maxAttempts) : plan;
      if (candidates.length === 0) {
        sendError(
          response,
          404,
          'not_found_error',
          model === undefined
            ? 'no provider is available for this request'
            : `no configured provider serves model "${model}"`,
        );
        return this.#record({ status: 404 });
      }
      let lastFailure: Extract<AttemptResult, { kind: 'failed' }> | undefined;
      for (let index = 0; index < candidates.length; index++) {
        const name = candidates[index] as string;
        const upstream = upstreams.get(name);
        if (upstream === undefined) continue;
        const result = await this.#attempt(upstream, index < candidates.length - 1);
        if (result.kind === 'aborted') return this.#record({ status: 499 });
        if (result.kind === 'committed') {
          return this.#record({
            status: response.statusCode,
            provider: name,
            usage: result.usage,
            upstreamRequestId: result.upstreamRequestId,
            bytesOut: result.bytesOut,
            responseBody: result.capturedBody,
          });
        }
        lastFailure = result;
        if (this.#clientGone) return this.#record({ status: 499 });
      }
      // Every candidate failed before anything reached the client.
      const held = lastFailure?.held;
      if (held !== undefined) {
        this.#markFirstByte();
        const provider = this.#attempts[this.#attempts.length - 1]?.provider ?? '';
        response.writeHead(
          held.status,
          responseHeaders(held.headers, provider, requestId, maxRetryAfterInSeconds),
        );
        if (held.trailer !== undefined) {
          response.write(held.body);
          response.end(held.trailer);
        } else {
          response.end(held.body);
        }
        return this.#record({ status: held.status, bytesOut: held.body.length, responseBody: held.body });
      }
      const tried = this.#attempts
        .map((attempt) => `${attempt.provider} (${attempt.reason ?? 'failed'})`)
        .join(', ');
      const allTimeouts =
        this.#attempts.length > 0 && this.#attempts.every((attempt) => attempt.failure === 'timeout');
      const status = allTimeouts ? 504 : 502;
      this.#markFirstByte();
      sendError(
        response,
        status,
        allTimeouts ? 'timeout_error' : 'api_error',
        `all upstream providers failed: ${tried || 'none could be reached'}`,
      );
      this.#record({ status });
    }

    async #attempt(upstream: Upstream, canFailOver: boolean): Promise<AttemptResult> {
      const { target } = upstream;
      const started = performance.now();
      options.onAttemptStart?.(target.name);
      const result = await this.#dispatch(upstream, canFailOver);
      let final = result;
      if (
        result.kind === 'failed' &&
        result.outcome.status === 401 &&
        !this.#clientGone &&
        (await target.invalidateCredentials())
      ) {
        // A refreshable credential renewed itself: one more try of the same provider.
        final = await this.#dispatch(upstream, canFailOver);
      }
      options.onAttemptEnd?.(target.name);
      if (final.kind !== 'aborted') {
        options.planner.report(target.name, final.outcome, this.#init.route);
        const { outcome } = final;
        this.#attempts.push({
          provider: target.name,
          result: outcome.result,
          ...(outcome.failure !== undefined ? { failure: outcome.failure } : {}),
          ...(outcome.status !== undefined ? { status: outcome.status } : {}),
          ...(outcome.errorType !== undefined ? { errorType: outcome.errorType } : {}),
          ...(outcome.headers !== undefined ? { headers: outcome.headers } : {}),
          ...(final.kind === 'failed' || final.reason !== undefined ? { reason: final.reason } : {}),
          ...(final.kind === 'committed' && final.usage !== undefined ? { usage: final.usage } : {}),
          durationInMs: performance.now() - started,
        });
      } else {
        options.planner.report(target.name, { result: 'client_error' }, this.#init.route);
      }
      return final;
    }

    async #dispatch(upstream: Upstream, canFailOver: boolean): Promise<AttemptResult> {
      const { target, dispatcher, timeouts } = upstream;
      const init = this.#init;
      const credentials = target.credentialHeaders();
      const credentialPairs = isPromise(credentials) ? await credentials : credentials;
      let body = init.body;
      const model = this.#model;
      if (model !== undefined) {
        const sent = target.mapModel(model) ?? model;
        this.#modelSent = sent;
        if (body !== null && sent !== init.route.model) body = target.rewriteModel(body, sent) ?? body;
      }
      const headers = upstreamHeaders(init.headers, target, credentialPairs, init.requestId, viaValue, body);
      const attempt = new UpstreamAttempt(target.name, {
        response: init.response,
        requestId: init.requestId,
        // The gate only buys a failover; with no provider left to try, the stream starts at once.
        firstContentTimeoutInMs: init.stream && canFailOver ? firstContentTimeoutInMs : 0,
        maxRetryAfterInSeconds,
        clientCredentials: target.forwardsClientCredentials,
        captureLimitInBytes: captureBodiesInBytes,
        observeUsage: init.observeUsage,
        canFailOver,
        onCommit: () => this.#markFirstByte(),
      });
      if (this.#clientGone) return { kind: 'aborted' };
      this.#current = attempt;
      dispatcher.dispatch(
        {
          origin: target.origin,
          path: target.basePath + (init.request.url ?? '/'),
          method: (init.request.method ?? 'GET') as Dispatcher.HttpMethod,
          headers,
          body,
          headersTimeout: timeouts.firstByteInMs,
          bodyTimeout: timeouts.streamIdleInMs,
        },
        attempt,
      );
      const result = await attempt.promise;
      this.#current = undefined;
      return result;
    }

    #markFirstByte(): void {
      this.#firstByteAt ??= performance.now();
    }

    #record(end: RequestEnd): void {
      const { status, provider, usage, upstreamRequestId, bytesOut = 0 } = end;
      const onRequestEnd = options.onRequestEnd;
      if (onRequestEnd === undefined) return;
      const init = this.#init;
      const attempts = this.#attempts;
      const now = performance.now();
      const served = provider !== undefined && status < 400;
      const durationInMs = now - init.arrivedAt;
      let upstreamInMs = 0;
      for (const attempt of attempts) upstreamInMs += attempt.durationInMs;
      onRequestEnd({
        requestId: init.requestId,
        method: init.request.method ?? 'GET',
        path: init.request.url ?? '/',
        model: init.route.model,
        modelSent: this.#modelSent,
        sessionKey: init.route.sessionKey,
        rule: this.#rule,
        affinity: this.#affinity,
        stream: init.stream,
        status,
        provider,
        outcome: !served ? 'error' : attempts.length > 1 ? 'failed_over' : 'ok',
        attempts,
        usage,
        clientKeyId: init.clientKeyId,
        upstreamRequestId,
        startedAt: Date.now() - (now - init.arrivedAt),
        durationInMs,
        overheadInMs: Math.max(0, durationInMs - upstreamInMs),
        timeToFirstByteInMs: this.#firstByteAt === undefined ? undefined : this.#firstByteAt - init.arrivedAt,
        bytesIn: init.body?.length ?? 0,
        bytesOut,
        ...(captureBodiesInBytes > 0
          ? {
              bodies: {
                request: init.body?.toString('utf8', 0, captureBodiesInBytes) ?? '',
                response: end.responseBody?.toString('utf8', 0, captureBodiesInBytes) ?? '',
              },
            }
          : {}),
      });
    }
  }

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (path.startsWith('/v1/')) {
      inFlight++;
      response.once('close', () => inFlight--);
      proxy(request, response, path).catch((error: unknown) => {
        sendError(response, 500, 'api_error', `ccb internal error: ${(error as Error).message ?? 'unknown'}`);
      });
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

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown }).then === 'function';
}
