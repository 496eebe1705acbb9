import type { IncomingHttpHeaders } from 'node:http';
import {
  type AttemptOutcome,
  headerValue,
  sseErrorEvent,
  type Usage,
  upstreamRequestIdHeader,
} from '@ccb/protocol';
import type { Dispatcher } from 'undici';
import { ChunkHold } from './_chunk-hold.js';
import type { AttemptContext } from './attempt-context.js';
import { type AttemptResult, type HeldResponse, servedPart } from './attempt-result.js';
import { ClientRelay } from './client-relay.js';
import { CommitGate } from './commit-gate.js';
import { failureVerdict, inBandErrorOutcome, streamEndFault } from './failure-verdict.js';
import { JsonUsageCopy } from './json-usage-copy.js';
import { SignatureTap } from './signature-tap.js';
import { SseObserver } from './sse-observer.js';
import { classifyTransportError, type TransportFailure } from './transport-failure.js';

/**
 * `waiting` for a head; `gate`: a stream held until its first content; `error`: an error answer held to be judged;
 * `relay`: committed, bytes flow to the client; `done`: settled.
 */
type Mode = 'waiting' | 'gate' | 'error' | 'relay' | 'done';

const noSignatures: readonly string[] = Object.freeze([]);
const noBytes = Buffer.alloc(0);
const resolved: Promise<void> = Promise.resolve();

/** Largest error body held to judge it; a larger one is judged by its status alone. */
const maxHeldErrorBytes = 1024 * 1024;

/**
 * One try of one upstream, as an undici dispatch handler. It routes the response through the stage that fits it:
 * an error answer is held and judged (`failure-verdict`), a streamed 200 waits at the commit gate (`commit-gate`),
 * and whatever is committed flows to the client through the relay (`client-relay`). It settles once, through its
 * context's `onSettled`: with the response committed, with a failure another provider may answer in its place, or
 * with the client gone. A callback rather than a promise: a stream's attempt lasts as long as the stream, and a
 * promise with the reactions chained on it would be held for all that time (see `Exchange`).
 */
export class AttemptHandler implements Dispatcher.DispatchHandler {
  readonly #context: AttemptContext;
  readonly #relay: ClientRelay;
  #controller: Dispatcher.DispatchController | undefined;
  #mode: Mode = 'waiting';
  #status = 0;
  #headers: IncomingHttpHeaders = {};
  /** What was held back (a gated stream's start, an error answer); made on the first chunk held. */
  #held: ChunkHold | undefined;
  #observer: SseObserver | undefined;
  #gate: CommitGate | undefined;
  #usageCopy: JsonUsageCopy | undefined;
  /** Set only while the session record wants this answer's thinking signatures (several signature domains). */
  #signatures: SignatureTap | undefined;
  /** The answer is recorded as this target's service of the session (a 2xx the tap could read). */
  #capturing = false;
  /** The outcome of an error answer passed through to the client, once judged. */
  #passedThrough: AttemptOutcome | undefined;
  #settled = false;
  /** The dispatch failed on ccb's side: the exchange answers that fault, and this attempt reports nothing. */
  #withdrawn = false;
  #clientGone = false;

  constructor(provider: string, context: AttemptContext) {
    this.#context = context;
    this.#relay = new ClientRelay(provider, context);
  }

  /**
   * Takes the attempt back after its dispatch failed on ccb's side (a fault, not the upstream's answer): nothing it
   * saw or sees from now on reaches the exchange, and whatever undici started is stopped.
   */
  withdraw(reason: unknown): void {
    this.#withdrawn = true;
    this.#settled = true;
    this.#mode = 'done';
    this.#gate?.close();
    this.#controller?.abort(reason instanceof Error ? reason : new Error(String(reason)));
  }

  /** Stops the upstream request because the client disconnected, keeping what was served for the record. */
  abortForClient(): void {
    this.#clientGone = true;
    this.#gate?.close();
    this.#settle({
      kind: 'aborted',
      served: servedPart({
        committed: this.#mode === 'relay',
        observer: this.#observer,
        status: this.#status,
        headers: this.#headers,
        bytesOut: this.#relay.bytesOut,
      }),
    });
    this.#controller?.abort(new Error('client disconnected'));
  }

  /**
   * Ends the attempt because ccb is shutting down and its grace period is over. A committed stream ends with an SSE
   * `error` event (never silently cut) and keeps its usage so far; an answer not yet committed is left to the
   * exchange, which answers the client itself. Neutral for the provider's health either way.
   */
  endForShutdown(): void {
    this.#gate?.close();
    if (this.#settled) return;
    const reason = 'ccb is shutting down';
    const neutral: AttemptOutcome = {
      result: 'client_error',
      status: this.#status || undefined,
      headers: this.#headers,
    };
    if (this.#mode === 'relay') {
      if (this.#observer !== undefined) this.#relay.endWithError(reason);
      else this.#relay.destroy();
      this.#finish(neutral, reason);
    } else {
      this.#fail(neutral, reason, undefined, undefined);
    }
    this.#controller?.abort(new Error(reason));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#clientGone) controller.abort(new Error('client disconnected'));
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    // An informational head (103 Early Hints) comes before the answer's own: nothing in it to relay or judge.
    if (statusCode < 200) return;
    this.#controller = controller;
    this.#status = statusCode;
    this.#headers = headers;
    // undici keeps the head's raw form on the controller for as long as the response lasts: Buffer slices that also
    // pin the socket read they came in (~2.4 KB a stream). Nothing in undici reads it after the last handler's
    // head, and only the parsed `headers` are used from here on. `Reflect.set`: a controller of a custom dispatcher
    // may offer it read-only, and that must not fail the answer.
    Reflect.set(controller, 'rawHeaders', null);
    if (statusCode >= 400) {
      this.#mode = 'error';
      return;
    }
    const contentType = headers['content-type'];
    const isStream = typeof contentType === 'string' && contentType.startsWith('text/event-stream');
    const encoded = headers['content-encoding'] !== undefined && headers['content-encoding'] !== 'identity';
    const capture = this.#context.sessionCapture;
    if (capture !== undefined && statusCode < 300 && !(isStream && encoded)) {
      this.#capturing = true;
      // An answer to a request without thinking has no signatures: it records who served, and reads nothing.
      if (capture.signs) this.#signatures = new SignatureTap(isStream);
    }
    if (isStream && !encoded) {
      this.#observer = new SseObserver();
      if (statusCode === 200 && this.#context.firstContentTimeoutInMs > 0) {
        this.#mode = 'gate';
        this.#gate = new CommitGate(
          this.#observer,
          this.#context.firstContentTimeoutInMs,
          // Made only for a gated stream (not the last candidate's, nor any with one provider), not held by a field
          // for every attempt.
          () => this.#onGateTimeout(),
        );
        return;
      }
    } else if (this.#context.observeUsage && statusCode < 300) {
      this.#usageCopy = new JsonUsageCopy();
    }
    this.#commit();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    switch (this.#mode) {
      case 'relay':
        this.#observer?.push(chunk);
        this.#usageCopy?.push(chunk);
        this.#signatures?.push(chunk);
        this.#relay.write(chunk, controller);
        return;
      case 'gate': {
        this.#hold(chunk);
        this.#signatures?.push(chunk);
        const decision = (this.#gate as CommitGate).push(chunk);
        if (decision === 'commit') this.#commit();
        else if (decision === 'abandon') {
          const error = (this.#observer as SseObserver).error as { type: string; message: string };
          this.#abandon(
            inBandErrorOutcome(this.#status, this.#headers, error),
            `in-band ${error.type} before content`,
            this.#heldResponse(false),
          );
        }
        return;
      }
      case 'error':
        if ((this.#held?.bytes ?? 0) + chunk.length <= maxHeldErrorBytes) this.#hold(chunk);
        else this.#judgeOversizedError(chunk, controller);
        return;
      default:
        return;
    }
  }

  onResponseEnd(): void {
    this.#gate?.close();
    if (this.#settled) return;
    if (this.#mode === 'error') {
      this.#judgeError();
      return;
    }
    if (this.#mode === 'gate') {
      if (!(this.#gate as CommitGate).endsComplete()) {
        this.#failBeforeContent();
        return;
      }
      // A complete stream without content blocks: nothing to fail over from.
      this.#commit();
    }
    const observer = this.#observer;
    const fault =
      observer !== undefined && this.#status === 200 ? streamEndFault(observer, this.#headers) : undefined;
    if (fault !== undefined) {
      if (fault.endWithError) this.#relay.endWithError(fault.reason);
      else this.#relay.end();
      this.#finish(fault.outcome, fault.reason);
      return;
    }
    this.#relay.end();
    if (this.#capturing && this.#passedThrough === undefined) {
      this.#context.sessionCapture?.served(
        this.#signatures?.signatures(this.#headers['content-encoding']) ?? noSignatures,
      );
    }
    this.#finish(
      this.#passedThrough ?? { result: 'success', status: this.#status, headers: this.#headers },
      undefined,
    );
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#gate?.close();
    if (this.#settled) return;
    const transport = classifyTransportError(error);
    if (this.#mode === 'relay') {
      // After commit there is no invisible way out: end the stream with an error event the client understands.
      if (this.#observer !== undefined) this.#relay.endWithError(`upstream ${transport.description}`);
      else this.#relay.destroy();
      const failure = transport.failure === 'timeout' ? 'timeout' : 'stream';
      this.#finish(
        { result: 'failure', failure, status: this.#status, headers: this.#headers },
        transport.description,
      );
      return;
    }
    const headed = this.#status !== 0;
    this.#fail(
      {
        result: 'failure',
        failure: transport.failure,
        status: headed ? this.#status : undefined,
        headers: headed ? this.#headers : undefined,
      },
      transport.description,
      this.#mode === 'gate' ? this.#heldResponse(true) : undefined,
      transport,
    );
  }

  #onGateTimeout(): void {
    if (this.#mode !== 'gate' || this.#settled) return;
    this.#abandon(
      { result: 'failure', failure: 'timeout', status: this.#status, headers: this.#headers },
      'no content before first_content_timeout',
      this.#heldResponse(true),
    );
  }

  #hold(chunk: Buffer): void {
    this.#held ??= new ChunkHold();
    this.#held.push(chunk);
  }

  /** The whole error answer arrived: fail over when it is the provider's, else pass it through untouched. */
  #judgeError(): void {
    const body = this.#held?.body() ?? noBytes;
    const verdict = failureVerdict({
      status: this.#status,
      headers: this.#headers,
      body,
      clientCredentials: this.#context.clientCredentials,
    });
    if (verdict.failsOver) {
      const held = { status: this.#status, headers: this.#headers, body };
      this.#fail(verdict.outcome, `status ${this.#status}`, held, undefined);
      return;
    }
    this.#passThroughWhole(verdict.outcome, body);
  }

  /**
   * An error body too large to hold is judged by its status: the provider's failure is abandoned (its body cannot
   * be relayed later, so the client would get ccb's own error if no provider does better); the client's own error
   * is passed through, what was held first and then the rest as it comes, unless secrets are to be scrubbed: a body
   * streaming past cannot be checked, so the client gets ccb's error with the same status instead.
   */
  #judgeOversizedError(chunk: Buffer, controller: Dispatcher.DispatchController): void {
    const verdict = failureVerdict({
      status: this.#status,
      headers: this.#headers,
      body: undefined,
      clientCredentials: this.#context.clientCredentials,
    });
    if (verdict.failsOver) {
      this.#abandon(verdict.outcome, `status ${this.#status} (error body over 1 MiB)`, undefined);
      return;
    }
    if (this.#context.relayedErrors !== undefined) {
      this.#passThroughWhole(verdict.outcome, undefined);
      controller.abort(new Error('error body over 1 MiB withheld'));
      return;
    }
    this.#passedThrough = verdict.outcome;
    this.#commit();
    this.#relay.write(chunk, controller);
  }

  #failBeforeContent(): void {
    const error = (this.#observer as SseObserver).error;
    this.#fail(
      {
        result: 'failure',
        failure: 'stream',
        status: this.#status,
        errorType: error?.type,
        errorMessage: error?.message,
        headers: this.#headers,
      },
      error ? `in-band ${error.type} before content` : 'stream ended before content',
      this.#heldResponse(error === undefined),
      undefined,
    );
  }

  /** Writes the head and whatever was held, and lets every later chunk flow to the client. */
  #commit(): void {
    this.#gate?.close();
    // Done with: a stream would hold it (and its observer reference and timer) to its end.
    this.#gate = undefined;
    const heldError = this.#mode === 'error';
    this.#mode = 'relay';
    this.#relay.commit(this.#status, this.#headers);
    // A held error answer is small and already complete: written without pausing the upstream.
    const held = this.#held;
    if (held !== undefined && held.bytes > 0) {
      this.#held = undefined;
      this.#relay.write(held.take(), heldError ? undefined : this.#controller);
    }
  }

  /** Relays the client's own error answer whole (`body` undefined: too large to hold), scrubbed of secrets if any. */
  #passThroughWhole(outcome: AttemptOutcome, body: Buffer | undefined): void {
    this.#passedThrough = outcome;
    const scrubber = this.#context.relayedErrors;
    if (scrubber === undefined) this.#commit();
    else {
      const answer = scrubber.scrub({ status: this.#status, headers: this.#headers, body });
      this.#held = undefined;
      this.#mode = 'relay';
      this.#relay.commit(answer.status, answer.headers);
      this.#relay.write(answer.body, undefined);
    }
    this.#relay.end();
    this.#finish(outcome, body === undefined ? 'error body over 1 MiB withheld' : undefined);
  }

  /**
   * The answer to relay if every provider fails: what was held, with an SSE error event appended when the stream
   * stopped without one of its own (so the client is never left with a stream that just ends).
   */
  #heldResponse(withErrorTrailer: boolean): HeldResponse {
    return {
      status: this.#status,
      headers: this.#headers,
      body: this.#held?.body() ?? noBytes,
      trailer: withErrorTrailer
        ? sseErrorEvent('api_error', 'upstream stream ended before any content')
        : undefined,
    };
  }

  /** Gives up on this upstream before anything reached the client, so another provider can be tried. */
  #abandon(outcome: AttemptOutcome, reason: string, held: HeldResponse | undefined): void {
    this.#gate?.close();
    this.#fail(outcome, reason, held, undefined);
    this.#controller?.abort(new Error(`abandoned: ${reason}`));
  }

  #fail(
    outcome: AttemptOutcome,
    reason: string,
    held: HeldResponse | undefined,
    transport: TransportFailure | undefined,
  ): void {
    this.#mode = 'done';
    this.#settle({ kind: 'failed', outcome, reason, held, transport });
  }

  #finish(outcome: AttemptOutcome, reason: string | undefined): void {
    this.#mode = 'done';
    this.#settle({
      kind: 'committed',
      outcome,
      usage: this.#usage(),
      upstreamRequestId: headerValue(this.#headers, upstreamRequestIdHeader),
      bytesOut: this.#relay.bytesOut,
      reason,
      capturedBody: this.#relay.captured(),
    });
  }

  #usage(): Usage | undefined {
    // A stream that ended without its final count (cut, or an error after content) is billed for what it generated.
    if (this.#observer !== undefined) return this.#observer.usageSoFar();
    return this.#status < 300 ? this.#usageCopy?.usage(this.#headers['content-encoding']) : undefined;
  }

  #settle(result: AttemptResult): void {
    if (this.#settled) return;
    this.#settled = true;
    // Later, as a promise's reaction would run: the exchange may start another attempt, which must not happen from
    // inside this one's undici callbacks (an abandoned attempt is aborted right after it settles). A reaction rather
    // than `queueMicrotask`, which makes an async resource per call in Node.
    void resolved.then(() => {
      if (!this.#withdrawn) this.#context.onSettled(result);
    });
  }
}
