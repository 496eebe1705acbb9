import { removeMembers, replaceSpan, type SessionRepairReport, type Span } from '@ccb/protocol';
import type { Dispatcher } from 'undici';
import { AdaptedHandler } from './adapted-handler.js';
import { AttemptHandler } from './attempt-handler.js';
import type { AttemptResult, FailedAttempt } from './attempt-result.js';
import type { ExchangeContext, ExchangeInit } from './exchange-context.js';
import { anthropicBetaOf } from './hop-by-hop.js';
import { normalizeErrorAnswer, normalizingScrubber } from './normalize-error-answer.js';
import type { AdaptedAttempt, HeaderPair, UpstreamTarget } from './ports.js';
import { type RequestBody, wireOf } from './request-body.js';
import type { Upstream } from './upstream.js';
import { upstreamHeaders } from './upstream-headers.js';

/** One send of a request to one upstream, as its exchange asks for it. */
export interface AttemptRequest {
  readonly context: ExchangeContext;
  readonly init: ExchangeInit;
  /** The model to ask for after routing rules (before the provider's own `model_map`); `undefined`: none. */
  readonly model: string | undefined;
  /** Another provider could still be tried if this one fails before commit. */
  readonly canFailOver: boolean;
  /** Called when the first response byte is about to go to the client. */
  readonly onCommit: () => void;
  /**
   * Called with the handler just before it is dispatched, so the exchange can abort it if the client goes away, and
   * what the provider is sent; `false` when the client is already gone (while credentials were fetched): nothing is
   * sent.
   */
  readonly onDispatch: (
    handler: AttemptHandler,
    modelSent: string | undefined,
    sessionRepair: SessionRepairReport | undefined,
  ) => boolean;
  /** Told how a dispatched attempt ended (the handler's `onSettled`), in a microtask of its own. */
  readonly onSettled: (result: AttemptResult) => void;
}

/** What a send that ended before it went out came to, and the model it would have asked the provider for. */
export interface UnsentAttempt {
  readonly result: AttemptResult;
  readonly modelSent: string | undefined;
  /** What session repair changed in the body for this provider; `undefined`: nothing. */
  readonly sessionRepair?: SessionRepairReport | undefined;
}

/**
 * Sends the request to `upstream` once: its credentials (a credential source that fails is this attempt's failure,
 * so the exchange fails over as for any other), the provider's model name spliced into the body byte-exactly, the
 * forwarded headers, and an {@link AttemptHandler} to relay the answer. Resolves once the request went out
 * (`undefined`: its end comes through `attempt.onSettled`), or with the result of a send that could not go out.
 */
export async function dispatchAttempt(
  upstream: Upstream,
  attempt: AttemptRequest,
): Promise<UnsentAttempt | undefined> {
  const { target } = upstream;
  const { init, context } = attempt;
  const original = init.body;
  // The body as this provider gets it when a rule changed it; `undefined`: the client's, sent as its pieces.
  let rewritten: Buffer | undefined;
  let modelSent: string | undefined;
  if (attempt.model !== undefined) {
    modelSent = target.mapModel(attempt.model) ?? attempt.model;
    if (original !== null && init.modelSpan !== undefined && modelSent !== init.route.model) {
      rewritten = replaceSpan(original.bytes(), init.modelSpan, modelSent);
    }
  }
  const noOp = init.noOpContextManagement;
  if (noOp !== undefined && original !== null && target.capabilities?.contextManagement === false) {
    rewritten = withoutMember(rewritten ?? original.bytes(), original, init.modelSpan, noOp);
  }
  // A session that moved to another signature domain: its history made valid for this provider (rare; see there).
  const repaired =
    original === null
      ? undefined
      : context.sessionRepair?.prepare(init.route, target, () => rewritten ?? original.bytes());
  if (repaired !== undefined) rewritten = repaired.body;
  const body = rewritten ?? original;
  const sessionRepair = repaired?.report;
  let credentials: readonly HeaderPair[];
  let adapted: AdaptedAttempt | undefined;
  try {
    const pending = target.credentialHeaders();
    credentials = isPromise(pending) ? await pending : pending;
  } catch (error) {
    return {
      result: {
        kind: 'failed',
        outcome: { result: 'failure', failure: 'credentials' },
        // What the source said may carry a token endpoint's answer: it goes to the logs (scrubbed), not the client.
        reason: 'credentials unavailable',
        detail: error instanceof Error ? error.message : String(error),
        held: undefined,
        transport: undefined,
      },
      modelSent,
      sessionRepair,
    };
  }
  if (target.adapter !== undefined) {
    try {
      adapted = await adapt(upstream, attempt, rewritten ?? original?.bytes() ?? null, modelSent);
    } catch (error) {
      // A request this upstream cannot take (an endpoint it lacks): another provider may; no fault of this one.
      return {
        result: {
          kind: 'failed',
          outcome: { result: 'client_error' },
          reason: 'not supported by this provider',
          detail: error instanceof Error ? error.message : String(error),
          held: undefined,
          transport: undefined,
        },
        modelSent,
        sessionRepair,
      };
    }
  }
  const handler = new AttemptHandler(target.name, {
    response: init.response,
    requestId: init.requestId,
    // The gate only buys a failover; with no provider left to try, the stream starts at once.
    firstContentTimeoutInMs: init.stream && attempt.canFailOver ? context.firstContentTimeoutInMs : 0,
    maxRetryAfterInSeconds: context.maxRetryAfterInSeconds,
    clientCredentials: target.forwardsClientCredentials,
    captureLimitInBytes: context.captureBodiesInBytes,
    observeUsage: init.observeUsage,
    relayedErrors: upstream.normalizesErrors
      ? normalizingScrubber(context.relayedErrors)
      : context.relayedErrors,
    sessionCapture: context.sessionRepair?.captureFor(init.route, target),
    onCommit: attempt.onCommit,
    onSettled: attempt.onSettled,
  });
  if (!attempt.onDispatch(handler, modelSent, sessionRepair))
    return { result: { kind: 'aborted', served: undefined }, modelSent, sessionRepair };
  try {
    send(upstream, attempt, handler, credentials, rewritten, body, adapted);
  } catch (error) {
    // A fault of ccb (or of a custom dispatcher) once the handler was handed over: the exchange answers it, and
    // nothing the handler saw meanwhile may start another attempt.
    handler.withdraw(error);
    throw error;
  }
  return undefined;
}

/** Hands the request to the upstream's dispatcher, as it is or as the target's adapter rewrote it. */
function send(
  upstream: Upstream,
  attempt: AttemptRequest,
  handler: AttemptHandler,
  credentials: readonly HeaderPair[],
  rewritten: Buffer | undefined,
  body: Buffer | RequestBody | null,
  adapted: AdaptedAttempt | undefined,
): void {
  const { target, dispatcher, timeouts } = upstream;
  const { init, context } = attempt;
  // A stream's body goes as a one-shot iterable, which undici lets go of once written: it would hold a buffer until
  // the stream ends (a Claude Code body of 50 KB to 1 MB, per open stream). A short answer keeps the one-call write.
  const lastsLong = init.stream;
  if (adapted === undefined) {
    const wire =
      rewritten === undefined ? (init.body?.wire(lastsLong) ?? null) : wireOf(rewritten, lastsLong);
    dispatcher.dispatch(
      {
        origin: target.origin,
        path: target.basePath + (init.request.url ?? '/'),
        method: (init.request.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: upstreamHeaders(
          init.headers,
          target,
          credentials,
          init.requestId,
          context.viaValue,
          body,
          upstream.betaFilter,
        ),
        // The client's pieces as they came, or the rewritten body. undici writes any iterable body piece by piece
        // (its types list only the other kinds of body).
        body: wire as Dispatcher.DispatchOptions['body'],
        headersTimeout: timeouts.firstByteInMs,
        bodyTimeout: timeouts.streamIdleInMs,
      },
      handler,
    );
  } else {
    const headers = upstreamHeaders(
      init.headers,
      target,
      credentials,
      init.requestId,
      context.viaValue,
      adapted.body,
      upstream.betaFilter,
    );
    for (const [name, value] of adapted.headers) headers.push(name, value);
    dispatcher.dispatch(
      {
        origin: target.origin,
        path: adapted.path,
        method: (init.request.method ?? 'GET') as Dispatcher.HttpMethod,
        headers,
        body: wireOf(adapted.body, lastsLong) as Dispatcher.DispatchOptions['body'],
        headersTimeout: timeouts.firstByteInMs,
        bodyTimeout: timeouts.streamIdleInMs,
      },
      new AdaptedHandler(handler, adapted.response),
    );
  }
}

/**
 * A dispatched attempt's result as the exchange takes it: a third party's error held for the all-failed answer goes
 * out in Anthropic's shape too.
 */
export function relayableResult(
  upstream: Upstream,
  context: ExchangeContext,
  result: AttemptResult,
): AttemptResult {
  const held = result.kind === 'failed' ? result.held : undefined;
  if (upstream.normalizesErrors && held !== undefined && held.trailer === undefined && held.status >= 400) {
    // Scrubbed first (the all-failed answer scrubs again, to no effect): normalising cuts long messages.
    return {
      ...(result as FailedAttempt),
      held: normalizeErrorAnswer(context.relayedErrors?.scrub(held) ?? held),
    };
  }
  return result;
}

/** The attempt as the target's adapter rewrites it (the client's `anthropic-beta` looked up only here). */
function adapt(
  upstream: Upstream,
  attempt: AttemptRequest,
  body: Buffer | null,
  modelSent: string | undefined,
): AdaptedAttempt | Promise<AdaptedAttempt> {
  const { init } = attempt;
  const { target, betaFilter } = upstream;
  let anthropicBeta = anthropicBetaOf(init.headers);
  // Bedrock carries betas in the body (`anthropic_beta`): the flags it does not accept must not reach it either.
  if (anthropicBeta !== undefined && betaFilter !== undefined) {
    anthropicBeta = betaFilter(anthropicBeta) || undefined;
  }
  return (target.adapter as NonNullable<UpstreamTarget['adapter']>).prepare({
    method: init.request.method ?? 'GET',
    path: init.request.url ?? '/',
    body,
    model: modelSent ?? init.route.model,
    stream: init.stream,
    anthropicBeta,
  });
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown }).then === 'function';
}

/**
 * `body` without Claude Code's no-op `context_management` member (found in the client's body, so its span moves by
 * whatever the model rewrite changed before it); every other byte kept.
 */
function withoutMember(body: Buffer, original: RequestBody, modelSpan: Span | undefined, span: Span): Buffer {
  const shift = modelSpan !== undefined && modelSpan[0] < span[0] ? body.length - original.length : 0;
  return removeMembers(body, [[span[0] + shift, span[1] + shift]]);
}
