import {
  type AttemptOutcome,
  type AttemptRecord,
  anthropicSignatureDomain,
  isRenewableCredentialRefusal,
  type SessionRepairReport,
} from '@ccb/protocol';
import { answerAllFailed } from './answer-all-failed.js';
import type { AttemptHandler } from './attempt-handler.js';
import type { AttemptResult, FailedAttempt } from './attempt-result.js';
import { buildRequestRecord, clientClosedRequest, type RequestEnd } from './build-request-record.js';
import { dispatchAttempt } from './dispatch-attempt.js';
import type { ExchangeContext, ExchangeInit, ShutdownTarget } from './exchange-context.js';
import type { RequestRejection } from './proxy-options.js';
import { sendError } from './send-error.js';
import type { Upstream } from './upstream.js';

/**
 * One client request and its attempts: admission, the routing plan, one attempt per candidate until one commits
 * (failover), the answer when all fail, and the record. Every attempt's outcome goes back to the planner.
 */
export class Exchange implements ShutdownTarget {
  previousInProgress: ShutdownTarget | undefined;
  nextInProgress: ShutdownTarget | undefined;
  readonly #context: ExchangeContext;
  readonly #init: ExchangeInit;
  readonly #attempts: AttemptRecord[] = [];
  #current: AttemptHandler | undefined;
  #clientGone = false;
  #shuttingDown = false;
  #responseClosed = false;
  #firstByteAt: number | undefined;
  /** The model to send after routing rules (before each provider's `model_map`). */
  #model: string | undefined;
  #modelSent: string | undefined;
  #rule: string | undefined;
  #affinity = false;
  #sessionDomain: string | undefined;
  /** What session repair changed for the latest dispatch (per attempt: each provider may need its own). */
  #sessionRepair: SessionRepairReport | undefined;
  /** The answer commits: its first byte goes to the client, or the all-failed answer does. */
  readonly #onCommit = (): void => {
    this.#firstByteAt ??= performance.now();
    // No attempt follows a commit: the body is not needed again, unless the record keeps a copy of it.
    if (this.#context.captureBodiesInBytes === 0) this.#init.body?.release();
  };

  constructor(context: ExchangeContext, init: ExchangeInit) {
    this.#context = context;
    this.#init = init;
    context.inProgress.add(this);
    // `on`, not `once` (a wrapper object and a bound function per request): a response closes once.
    init.response.on('close', () => {
      this.#responseClosed = true;
      context.inProgress.remove(this);
      if (init.response.writableFinished) return;
      this.#clientGone = true;
      this.#current?.abortForClient();
    });
  }

  closed(): Promise<void> {
    if (this.#responseClosed) return Promise.resolve();
    return new Promise((resolve) => this.#init.response.once('close', () => resolve()));
  }

  shutDown(): void {
    this.#shuttingDown = true;
    this.#current?.endForShutdown();
  }

  /**
   * Admission, the plan, then one attempt per candidate until one commits. Settles when the last attempt is over
   * (a stream's end); never throws, and rejects only on a fault of ccb or a hook.
   *
   * Written as continuations rather than `await`s: a suspended async function keeps its frame, its locals and the
   * await's closures (~0.6 KB) for as long as it waits, and these waits last a whole stream, at every level from
   * the request down to the attempt. That memory outlives the young generation and inflates the old one, whose
   * growth V8 sizes on what it saw promoted (docs/performance.md, item 29).
   */
  run(): Promise<void> {
    try {
      const { requestId, clientKeyId, route } = this.#init;
      const admission = this.#context.hooks.admitRequest?.({ requestId, clientKeyId, route });
      if (!(admission instanceof Promise)) return this.#admitted(admission) ?? settled;
      return admission.then((rejection) =>
        // The client may have left while the decision was made elsewhere: nothing is sent for it then.
        this.#clientGone ? this.#record({ status: clientClosedRequest }) : this.#admitted(rejection),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Answers a rejected request, or plans the admitted one and starts its first attempt. */
  #admitted(rejection: RequestRejection | undefined): Promise<void> | undefined {
    const { response, route, requestId } = this.#init;
    const { maxAttempts, maxRetryAfterInSeconds } = this.#context;
    if (rejection !== undefined) {
      const headers =
        rejection.retryAt === undefined
          ? []
          : ['retry-after', String(retryAfterInSeconds(rejection.retryAt, maxRetryAfterInSeconds))];
      sendError(response, rejection.status, rejection.type, rejection.message, { requestId, headers });
      return this.#record({ status: rejection.status });
    }
    const plan = this.#context.planner.route(route);
    this.#model = plan.model ?? route.model;
    this.#rule = plan.rule;
    this.#affinity = plan.affinity === true;
    this.#sessionDomain = plan.sessionDomain;
    const candidates =
      plan.providers.length > maxAttempts ? plan.providers.slice(0, maxAttempts) : plan.providers;
    if (candidates.length === 0 && plan.unsupported !== undefined) {
      // Providers serve the model but none has what the request depends on: a clear 400, never a silently empty
      // answer from one that ignores it (issue #17), nor a made-up token count.
      const { capability, providers } = plan.unsupported;
      const message = `no configured provider supports ${capability} (tried: ${providers.join(', ')})`;
      sendError(response, 400, 'invalid_request_error', message, { requestId });
      return this.#record({ status: 400 });
    }
    if (candidates.length === 0) {
      const message =
        route.model === undefined
          ? 'no provider is available for this request'
          : `no configured provider serves model "${route.model}"`;
      sendError(response, 404, 'not_found_error', message, { requestId });
      return this.#record({ status: 404 });
    }
    return this.#tryFrom(candidates, 0, undefined);
  }

  /** Tries the candidates from `index` on; when none is left, sends the all-failed answer. */
  #tryFrom(
    candidates: readonly string[],
    index: number,
    lastFailure: FailedAttempt | undefined,
  ): Promise<void> | undefined {
    for (; index < candidates.length; index++) {
      const name = candidates[index] as string;
      const upstream = this.#context.upstreams.get(name);
      if (upstream === undefined) continue;
      const next = index + 1;
      return this.#attempt(upstream, next < candidates.length).then((result) =>
        this.#attempted(candidates, next, name, result),
      );
    }
    this.#onCommit();
    const answer = answerAllFailed(
      this.#init.response,
      lastFailure,
      this.#attempts,
      this.#init.requestId,
      this.#context,
    );
    return this.#record({ status: answer.status, bytesOut: answer.bytesOut, responseBody: answer.body });
  }

  /** Records an attempt that ended the request, or goes on with the candidates from `next`. */
  #attempted(
    candidates: readonly string[],
    next: number,
    name: string,
    result: AttemptResult,
  ): Promise<void> | undefined {
    const { response, requestId } = this.#init;
    if (result.kind === 'aborted') {
      const served = result.served;
      return this.#record({
        status: clientClosedRequest,
        provider: served === undefined ? undefined : name,
        usage: served?.usage,
        upstreamRequestId: served?.upstreamRequestId,
        bytesOut: served?.bytesOut,
      });
    }
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
    if (this.#clientGone) return this.#record({ status: clientClosedRequest });
    if (this.#shuttingDown) {
      // Nothing reached the client yet: it gets a clear answer to retry elsewhere, never a silent cut.
      sendError(response, 503, 'overloaded_error', 'ccb is shutting down: retry the request', {
        requestId,
        headers: ['retry-after', '1', 'connection', 'close'],
      });
      return this.#record({ status: 503 });
    }
    return this.#tryFrom(candidates, next, result);
  }

  /**
   * One attempt of one provider, told to the `onAttemptStart`/`onAttemptEnd` hooks (whatever happens in between)
   * and reported to the planner. A refreshable credential that an upstream refusal (401, a revoked OAuth token)
   * renewed gets one more try.
   */
  #attempt(upstream: Upstream, canFailOver: boolean): Promise<AttemptResult> {
    const { name } = upstream.target;
    const { hooks } = this.#context;
    const started = performance.now();
    hooks.onAttemptStart?.(name);
    return this.#dispatch(upstream, canFailOver).then(
      (result) =>
        result.kind === 'failed' &&
        isRenewableCredentialRefusal(result.outcome) &&
        !this.#clientGone &&
        !this.#shuttingDown
          ? this.#renewAndRetry(upstream, canFailOver, result, started)
          : this.#attemptEnded(name, started, result),
      (error: unknown) => {
        hooks.onAttemptEnd?.(name);
        throw error;
      },
    );
  }

  /** Dispatches once more if the refused credentials renewed themselves; the refusal stands otherwise. */
  async #renewAndRetry(
    upstream: Upstream,
    canFailOver: boolean,
    refused: AttemptResult,
    started: number,
  ): Promise<AttemptResult> {
    const { name } = upstream.target;
    let result = refused;
    try {
      if (await renewedCredentials(upstream)) result = await this.#dispatch(upstream, canFailOver);
    } catch (error) {
      this.#context.hooks.onAttemptEnd?.(name);
      throw error;
    }
    return this.#attemptEnded(name, started, result);
  }

  /** The attempt's end: the hook, the planner's report, the attempt's record. */
  #attemptEnded(name: string, started: number, result: AttemptResult): AttemptResult {
    this.#context.hooks.onAttemptEnd?.(name);
    const served = result.kind === 'aborted' ? result.served : undefined;
    const outcome = result.kind === 'aborted' ? (served?.outcome ?? clientLeft) : result.outcome;
    this.#context.planner.report(name, outcome, this.#init.route);
    // An attempt the client left before the upstream started is no attempt: nothing was served or billed.
    if (result.kind === 'aborted' && served === undefined) return result;
    // One literal with every field (absent ones undefined): one object shape for every attempt, no temporaries.
    this.#attempts.push({
      provider: name,
      result: outcome.result,
      failure: outcome.failure,
      status: outcome.status,
      errorType: outcome.errorType,
      headers: outcome.headers,
      reason: result.kind === 'aborted' ? 'client disconnected' : result.reason,
      detail: result.kind === 'failed' ? result.detail : undefined,
      usage: result.kind === 'committed' ? result.usage : served?.usage,
      durationInMs: performance.now() - started,
      sessionRepair: this.#sessionRepair,
    });
    return result;
  }

  #dispatch(upstream: Upstream, canFailOver: boolean): Promise<AttemptResult> {
    return dispatchAttempt(upstream, {
      context: this.#context,
      init: this.#init,
      model: this.#model,
      canFailOver,
      onCommit: this.#onCommit,
      onDispatch: (handler) => {
        this.#current = handler;
        return !this.#clientGone;
      },
    }).then((dispatched) => {
      this.#current = undefined;
      this.#modelSent = dispatched.modelSent;
      this.#sessionRepair = dispatched.sessionRepair;
      return dispatched.result;
    });
  }

  /** Whether the provider that served is of another signature domain than the session's binding. */
  #crossesDomain(provider: string | undefined): boolean {
    const sessionDomain = this.#sessionDomain;
    if (sessionDomain === undefined || provider === undefined) return false;
    const capabilities = this.#context.upstreams.get(provider)?.target.capabilities;
    return (capabilities?.signatureDomain ?? anthropicSignatureDomain) !== sessionDomain;
  }

  #record(end: RequestEnd): undefined {
    const onRequestEnd = this.#context.hooks.onRequestEnd;
    const onRecord = this.#init.onRecord;
    if (onRequestEnd === undefined && onRecord === undefined) return;
    const record = buildRequestRecord(
      this.#init,
      {
        attempts: this.#attempts,
        modelSent: this.#modelSent,
        rule: this.#rule,
        affinity: this.#affinity,
        crossesDomain: this.#crossesDomain(end.provider),
        firstByteAt: this.#firstByteAt,
        captureBodiesInBytes: this.#context.captureBodiesInBytes,
      },
      end,
    );
    onRecord?.(record);
    onRequestEnd?.(record);
  }
}

/** What `run` returns when the request ended without waiting for anything. */
const settled: Promise<void> = Promise.resolve();

/** The outcome of an attempt the client left before the upstream started: neutral for the provider. */
const clientLeft: AttemptOutcome = Object.freeze({ result: 'client_error' });

/** Whether a refreshable credential renewed itself after a 401; a source that throws renewed nothing. */
async function renewedCredentials(upstream: Upstream): Promise<boolean> {
  try {
    return await upstream.target.invalidateCredentials();
  } catch {
    return false;
  }
}

/** Seconds until `retryAt` (ms epoch), at least 1 and at most the cap. */
function retryAfterInSeconds(retryAt: number, maxInSeconds: number): number {
  return Math.min(maxInSeconds, Math.max(1, Math.ceil((retryAt - Date.now()) / 1000)));
}
