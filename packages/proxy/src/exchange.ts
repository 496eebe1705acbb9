import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { ProxyHandlerOptions } from './create-proxy-handler.js';
import type { ClientHeaders } from './hop-by-hop.js';
import type { AttemptPlanner, RouteRequest, UpstreamTarget, UpstreamTimeouts } from './ports.js';
import type { AttemptRecord, RequestRecord } from './request-record.js';
import { responseHeaders } from './response-headers.js';
import { sendError } from './send-error.js';
import { type AttemptResult, UpstreamAttempt } from './upstream-attempt.js';
import { upstreamHeaders } from './upstream-headers.js';

/** An upstream with the dispatcher the handler made for it. */
export interface Upstream {
  readonly target: UpstreamTarget;
  readonly dispatcher: Dispatcher;
  readonly timeouts: UpstreamTimeouts;
}

/**
 * The handler's settings, as every exchange reads them. `createProxyHandler` builds one per handler and all its
 * requests share it: the hot path allocates nothing for it.
 */
export interface ExchangeContext {
  /** By provider name. */
  readonly upstreams: ReadonlyMap<string, Upstream>;
  readonly planner: AttemptPlanner;
  /** Distinct providers tried per request. */
  readonly maxAttempts: number;
  /** Bound of the stream commit gate in ms. */
  readonly firstContentTimeoutInMs: number;
  /** Largest `retry-after` (seconds) passed to the client. */
  readonly maxRetryAfterInSeconds: number;
  /** Keep up to this many bytes of each request and response body on the record (0: none). */
  readonly captureBodiesInBytes: number;
  /** The `via` entry this instance adds upstream (`1.1 ccb-…`). */
  readonly viaValue: string;
  /** The handler's options object itself, not copies of its hooks: each hook is read from it and called on it. */
  readonly hooks: ExchangeHooks;
}

/** The options an exchange calls back into. */
export type ExchangeHooks = Pick<
  ProxyHandlerOptions,
  'admitRequest' | 'onAttemptStart' | 'onAttemptEnd' | 'onRequestEnd'
>;

/** How a request ended, for its record. */
interface RequestEnd {
  readonly status: number;
  readonly provider?: string;
  readonly usage?: RequestRecord['usage'];
  readonly upstreamRequestId?: string | undefined;
  readonly bytesOut?: number;
  readonly responseBody?: Buffer | undefined;
}

/** One client request, read and admitted: what its exchange starts from. */
export interface ExchangeInit {
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

/** One client request and its attempts: routing, failover, the commit to one upstream, and the record. */
export class Exchange {
  readonly #context: ExchangeContext;
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

  constructor(context: ExchangeContext, init: ExchangeInit) {
    this.#context = context;
    this.#init = init;
    init.response.once('close', () => {
      if (init.response.writableFinished) return;
      this.#clientGone = true;
      this.#current?.abortForClient();
    });
  }

  async run(): Promise<void> {
    const { response, route, requestId } = this.#init;
    const { maxAttempts, maxRetryAfterInSeconds } = this.#context;
    const model = route.model;
    const rejection = this.#context.hooks.admitRequest?.({ clientKeyId: this.#init.clientKeyId, route });
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
      sendError(response, rejection.status, rejection.type, rejection.message, { requestId, headers });
      return this.#record({ status: rejection.status });
    }
    const routePlan = this.#context.planner.route(route);
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
        { requestId },
      );
      return this.#record({ status: 404 });
    }
    let lastFailure: Extract<AttemptResult, { kind: 'failed' }> | undefined;
    for (let index = 0; index < candidates.length; index++) {
      const name = candidates[index] as string;
      const upstream = this.#context.upstreams.get(name);
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
      { requestId },
    );
    this.#record({ status });
  }

  async #attempt(upstream: Upstream, canFailOver: boolean): Promise<AttemptResult> {
    const { target } = upstream;
    const { hooks, planner } = this.#context;
    const started = performance.now();
    hooks.onAttemptStart?.(target.name);
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
    hooks.onAttemptEnd?.(target.name);
    if (final.kind !== 'aborted') {
      planner.report(target.name, final.outcome, this.#init.route);
      const { outcome } = final;
      // One literal with every field (absent ones undefined): one object shape for every attempt, no temporaries.
      this.#attempts.push({
        provider: target.name,
        result: outcome.result,
        failure: outcome.failure,
        status: outcome.status,
        errorType: outcome.errorType,
        headers: outcome.headers,
        reason: final.reason,
        usage: final.kind === 'committed' ? final.usage : undefined,
        durationInMs: performance.now() - started,
      });
    } else {
      planner.report(target.name, { result: 'client_error' }, this.#init.route);
    }
    return final;
  }

  async #dispatch(upstream: Upstream, canFailOver: boolean): Promise<AttemptResult> {
    const { target, dispatcher, timeouts } = upstream;
    const init = this.#init;
    const { viaValue, firstContentTimeoutInMs, maxRetryAfterInSeconds, captureBodiesInBytes } = this.#context;
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
    const onRequestEnd = this.#context.hooks.onRequestEnd;
    if (onRequestEnd === undefined) return;
    const { captureBodiesInBytes } = this.#context;
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
      bodies:
        captureBodiesInBytes > 0
          ? {
              request: init.body?.toString('utf8', 0, captureBodiesInBytes) ?? '',
              response: end.responseBody?.toString('utf8', 0, captureBodiesInBytes) ?? '',
            }
          : undefined,
    });
  }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown }).then === 'function';
}
