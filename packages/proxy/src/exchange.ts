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
import { dispatchAttempt, relayableResult } from './dispatch-attempt.js';
import type { ExchangeContext, ExchangeInit, ShutdownTarget } from './exchange-context.js';
import type { RequestRejection } from './proxy-options.js';
import { sendError } from './send-error.js';
import type { Upstream } from './upstream.js';

/**
 * One client request and its attempts: admission, the routing plan, one attempt per candidate until one commits
 * (failover), the answer when all fail, and the record. Every attempt's outcome goes back to the planner.
 *
 * It runs as a small state machine driven by callbacks (an attempt's end comes through `onSettled`), not as a chain
 * of `await`s: those would be suspended for as long as the answer lasts, a whole stream, each holding its frame, its
 * promise and the closures of its reaction (~0.6 KB per level, and there were six). Memory a stream holds outlives
 * the young generation, and V8 sizes the old one's growth on what it saw promoted (docs/performance.md, item 29).
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
  /** The providers to try, in order, and the index of the next one. */
  #candidates: readonly string[] = noCandidates;
  #next = 0;
  #lastFailure: FailedAttempt | undefined;
  /** The attempt under way: its upstream, when it started, whether its credentials were already renewed once. */
  #upstream: Upstream | undefined;
  #attemptStartedAt = 0;
  #renewed = false;
  /** `run` settled (ended or failed): nothing more happens, whatever still arrives. */
  #over = false;
  /** Settle `run`'s promise (set by `run`, before anything can call them). */
  #resolveRun!: () => void;
  #rejectRun!: (error: unknown) => void;
  /** One callback for every attempt of this exchange. */
  readonly #onSettled = (result: AttemptResult): void => {
    if (this.#over) return;
    try {
      this.#attemptSettled(result);
    } catch (error) {
      this.#fail(error);
    }
  };
  /** The answer commits: its first byte goes to the client, or the all-failed answer does. */
  readonly #onCommit = (): void => {
    this.#firstByteAt ??= performance.now();
    // No attempt follows a commit: the body, the candidates left and an earlier attempt's failure (up to 1 MiB of
    // held answer) are not needed again (the body unless the record keeps a copy of it), and a stream would hold
    // them to its end.
    if (this.#context.captureBodiesInBytes === 0) this.#init.body?.release();
    this.#candidates = noCandidates;
    this.#lastFailure = undefined;
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
   * (a stream's end); rejects only on a fault of ccb or a hook.
   */
  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#resolveRun = resolve;
      this.#rejectRun = reject;
      try {
        this.#start();
      } catch (error) {
        this.#fail(error);
      }
    });
  }

  #start(): void {
    const { requestId, clientKeyId, route } = this.#init;
    const admission = this.#context.hooks.admitRequest?.({ requestId, clientKeyId, route });
    if (!(admission instanceof Promise)) {
      this.#admitted(admission);
      return;
    }
    admission
      .then((rejection) =>
        // The client may have left while the decision was made elsewhere: nothing is sent for it then.
        this.#clientGone ? this.#ended({ status: clientClosedRequest }) : this.#admitted(rejection),
      )
      .catch((error: unknown) => this.#fail(error));
  }

  /** Answers a rejected request, or plans the admitted one and starts its first attempt. */
  #admitted(rejection: RequestRejection | undefined): void {
    const { response, route, requestId } = this.#init;
    const { maxAttempts, maxRetryAfterInSeconds } = this.#context;
    if (rejection !== undefined) {
      const headers =
        rejection.retryAt === undefined
          ? []
          : ['retry-after', String(retryAfterInSeconds(rejection.retryAt, maxRetryAfterInSeconds))];
      sendError(response, rejection.status, rejection.type, rejection.message, { requestId, headers });
      this.#ended({ status: rejection.status });
      return;
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
      this.#ended({ status: 400 });
      return;
    }
    if (candidates.length === 0) {
      const message =
        route.model === undefined
          ? 'no provider is available for this request'
          : `no configured provider serves model "${route.model}"`;
      sendError(response, 404, 'not_found_error', message, { requestId });
      this.#ended({ status: 404 });
      return;
    }
    this.#candidates = candidates;
    this.#tryNext();
  }

  /** Starts an attempt of the next candidate; when none is left, sends the all-failed answer. */
  #tryNext(): void {
    const candidates = this.#candidates;
    while (this.#next < candidates.length) {
      const upstream = this.#context.upstreams.get(candidates[this.#next++] as string);
      if (upstream === undefined) continue;
      this.#upstream = upstream;
      this.#renewed = false;
      this.#attemptStartedAt = performance.now();
      this.#context.hooks.onAttemptStart?.(upstream.target.name);
      this.#dispatch(upstream);
      return;
    }
    const lastFailure = this.#lastFailure;
    this.#onCommit();
    const { response, requestId } = this.#init;
    const answer = answerAllFailed(response, lastFailure, this.#attempts, requestId, this.#context);
    this.#ended({ status: answer.status, bytesOut: answer.bytesOut, responseBody: answer.body });
  }

  /** Sends the current attempt (again, after a renewal); its end comes to `#attemptSettled`. */
  #dispatch(upstream: Upstream): void {
    dispatchAttempt(upstream, {
      context: this.#context,
      init: this.#init,
      model: this.#model,
      canFailOver: this.#next < this.#candidates.length,
      onCommit: this.#onCommit,
      onDispatch: (handler, modelSent, sessionRepair) => {
        this.#current = handler;
        this.#modelSent = modelSent;
        this.#sessionRepair = sessionRepair;
        return !this.#clientGone;
      },
      onSettled: this.#onSettled,
    }).then(
      (unsent) => {
        if (unsent === undefined || this.#over) return;
        this.#modelSent = unsent.modelSent;
        this.#sessionRepair = unsent.sessionRepair;
        this.#onSettled(unsent.result);
      },
      (error: unknown) => {
        if (this.#over) return;
        let fault = error;
        try {
          this.#context.hooks.onAttemptEnd?.(upstream.target.name);
        } catch (hookFault) {
          // As a `finally` that throws would: the hook's fault replaces the dispatch's.
          fault = hookFault;
        }
        this.#fail(fault);
      },
    );
  }

  /**
   * The current attempt ended. A refreshable credential that an upstream refusal (401, a revoked OAuth token)
   * renewed gets one more try; otherwise the attempt is told to the `onAttemptEnd` hook and the planner, recorded,
   * and the request ends or goes on to the next candidate.
   */
  #attemptSettled(result: AttemptResult): void {
    this.#current = undefined;
    const upstream = this.#upstream as Upstream;
    if (
      result.kind === 'failed' &&
      !this.#renewed &&
      isRenewableCredentialRefusal(result.outcome) &&
      !this.#clientGone &&
      !this.#shuttingDown
    ) {
      this.#renewed = true;
      renewedCredentials(upstream)
        .then((renewed) => {
          if (this.#over) return;
          if (renewed) this.#dispatch(upstream);
          else this.#attemptEnded(upstream, result);
        })
        .catch((error: unknown) => this.#fail(error));
      return;
    }
    this.#attemptEnded(upstream, result);
  }

  #attemptEnded(upstream: Upstream, settled: AttemptResult): void {
    const { name } = upstream.target;
    this.#context.hooks.onAttemptEnd?.(name);
    const result = relayableResult(upstream, this.#context, settled);
    const served = result.kind === 'aborted' ? result.served : undefined;
    const outcome = result.kind === 'aborted' ? (served?.outcome ?? clientLeft) : result.outcome;
    this.#context.planner.report(name, outcome, this.#init.route);
    // An attempt the client left before the upstream started is no attempt: nothing was served or billed.
    if (result.kind !== 'aborted' || served !== undefined) {
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
        durationInMs: performance.now() - this.#attemptStartedAt,
        sessionRepair: this.#sessionRepair,
      });
    }
    const { response, requestId } = this.#init;
    if (result.kind === 'aborted') {
      this.#ended({
        status: clientClosedRequest,
        provider: served === undefined ? undefined : name,
        usage: served?.usage,
        upstreamRequestId: served?.upstreamRequestId,
        bytesOut: served?.bytesOut,
      });
      return;
    }
    if (result.kind === 'committed') {
      this.#ended({
        status: response.statusCode,
        provider: name,
        usage: result.usage,
        upstreamRequestId: result.upstreamRequestId,
        bytesOut: result.bytesOut,
        responseBody: result.capturedBody,
      });
      return;
    }
    this.#lastFailure = result;
    if (this.#clientGone) {
      this.#ended({ status: clientClosedRequest });
      return;
    }
    if (this.#shuttingDown) {
      // Nothing reached the client yet: it gets a clear answer to retry elsewhere, never a silent cut.
      sendError(response, 503, 'overloaded_error', 'ccb is shutting down: retry the request', {
        requestId,
        headers: ['retry-after', '1', 'connection', 'close'],
      });
      this.#ended({ status: 503 });
      return;
    }
    this.#tryNext();
  }

  /** The request is over: its record, then `run` settles. */
  #ended(end: RequestEnd): void {
    this.#over = true;
    this.#record(end);
    this.#resolveRun();
  }

  /** A fault of ccb or a hook: `run` rejects (the caller answers it) and nothing more happens. */
  #fail(error: unknown): void {
    this.#over = true;
    this.#current = undefined;
    this.#rejectRun(error);
  }

  /** Whether the provider that served is of another signature domain than the session's binding. */
  #crossesDomain(provider: string | undefined): boolean {
    const sessionDomain = this.#sessionDomain;
    if (sessionDomain === undefined || provider === undefined) return false;
    const capabilities = this.#context.upstreams.get(provider)?.target.capabilities;
    return (capabilities?.signatureDomain ?? anthropicSignatureDomain) !== sessionDomain;
  }

  #record(end: RequestEnd): void {
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

const noCandidates: readonly string[] = Object.freeze([]);

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
