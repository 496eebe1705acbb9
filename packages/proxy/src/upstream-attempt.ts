import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { decodedCopy } from './decoded-copy.js';
import { isAccountProblem, isProviderFailureStatus, readErrorBody } from './failover-policy.js';
import type { AttemptOutcome } from './ports.js';
import { responseHeaders } from './response-headers.js';
import { sseErrorEvent } from './send-error.js';
import { SseObserver } from './sse-observer.js';
import { classifyTransportError, type TransportFailure } from './transport-failure.js';
import { readResponseUsage, type Usage } from './usage.js';

/** What one attempt needs from the request it serves. */
export interface AttemptContext {
  readonly response: ServerResponse;
  readonly requestId: string;
  /** Bound of the stream commit gate in ms. */
  readonly firstContentTimeoutInMs: number;
  /** Largest `retry-after` (seconds) passed to the client. */
  readonly maxRetryAfterInSeconds: number;
  /** True when the client's own credential went upstream (passthrough): a 401/403 is then the client's. */
  readonly clientCredentials: boolean;
  /** Whether usage should be read from the response (Messages API calls). */
  readonly observeUsage: boolean;
  /** True when another provider could still be tried if this attempt fails before commit. */
  readonly canFailOver: boolean;
  /** Keep a copy of up to this many response bytes for debug logging (0: keep nothing). */
  readonly captureLimitInBytes: number;
  /** Called once, when the first byte of the response is about to be written to the client. */
  onCommit(): void;
}

/** An upstream answer held back so it can be relayed if no other provider does better. */
export interface HeldResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Bytes to append when relaying (an SSE error event for a stream cut before content). */
  readonly trailer?: Buffer;
}

export type AttemptResult =
  /** The response reached the client (fully, or ended by an error after commit). */
  | {
      readonly kind: 'committed';
      readonly outcome: AttemptOutcome;
      readonly usage: Usage | undefined;
      readonly upstreamRequestId: string | undefined;
      readonly bytesOut: number;
      readonly reason: string | undefined;
      /** The start of the response body, when capture is on. */
      readonly capturedBody: Buffer | undefined;
    }
  /** Nothing was sent to the client: another provider may be tried. */
  | {
      readonly kind: 'failed';
      readonly outcome: AttemptOutcome;
      readonly reason: string;
      readonly held: HeldResponse | undefined;
      readonly transport: TransportFailure | undefined;
    }
  /** The client went away. */
  | { readonly kind: 'aborted' };

type Mode = 'waiting' | 'gate' | 'stream' | 'buffer' | 'done';

/** Largest error body held to decide on failover; larger ones pass through. */
const maxHeldErrorBytes = 1024 * 1024;
/** Largest JSON response copied for usage accounting. */
const maxUsageCopyBytes = 8 * 1024 * 1024;

/**
 * One try of one upstream: an undici dispatch handler that relays the response into the client's
 * `ServerResponse`. Streams pass through chunk by chunk with backpressure; a streamed 200 is held only until its
 * first content event (the commit gate), so an upstream that fails before content can still be failed over.
 */
export class UpstreamAttempt implements Dispatcher.DispatchHandler {
  readonly promise: Promise<AttemptResult>;
  readonly #provider: string;
  readonly #context: AttemptContext;
  #resolve!: (result: AttemptResult) => void;
  #controller: Dispatcher.DispatchController | undefined;
  #mode: Mode = 'waiting';
  #status = 0;
  #headers: IncomingHttpHeaders = {};
  #held: Buffer[] = [];
  #heldBytes = 0;
  #observer: SseObserver | undefined;
  #usageCopy: Buffer[] | undefined;
  #usageCopyBytes = 0;
  #gateTimer: NodeJS.Timeout | undefined;
  #bytesOut = 0;
  #captured: Buffer[] | undefined;
  #capturedBytes = 0;
  #settled = false;
  #clientGone = false;
  readonly #onDrain = () => this.#controller?.resume();

  constructor(provider: string, context: AttemptContext) {
    this.#provider = provider;
    this.#context = context;
    this.promise = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    if (context.captureLimitInBytes > 0) this.#captured = [];
  }

  /** Stops the upstream request because the client disconnected. */
  abortForClient(): void {
    this.#clientGone = true;
    this.#clearGate();
    this.#settle({ kind: 'aborted' });
    this.#controller?.abort(new Error('client disconnected'));
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
    this.#controller = controller;
    this.#status = statusCode;
    this.#headers = headers;
    if (statusCode >= 400) {
      this.#mode = 'buffer';
      return;
    }
    const contentType = headers['content-type'];
    const isStream = typeof contentType === 'string' && contentType.startsWith('text/event-stream');
    const encoded = headers['content-encoding'] !== undefined && headers['content-encoding'] !== 'identity';
    if (isStream && !encoded) {
      this.#observer = new SseObserver();
      if (statusCode === 200 && this.#context.firstContentTimeoutInMs > 0) {
        this.#mode = 'gate';
        this.#gateTimer = setTimeout(this.#onGateTimeout, this.#context.firstContentTimeoutInMs);
        return;
      }
    } else if (this.#context.observeUsage && statusCode < 300) {
      this.#usageCopy = [];
    }
    this.#commit();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    switch (this.#mode) {
      case 'stream':
        this.#observer?.push(chunk);
        if (this.#usageCopy !== undefined) this.#copyForUsage(chunk);
        this.#write(controller, chunk);
        return;
      case 'gate': {
        const observer = this.#observer as SseObserver;
        observer.push(chunk);
        this.#hold(chunk);
        if (observer.error !== undefined && !observer.contentStarted) {
          // An in-band error before any content (e.g. overloaded_error): still invisible to the client.
          this.#abandon(this.#inBandError(observer.error), `in-band ${observer.error.type} before content`);
        } else if (observer.contentStarted) {
          this.#commit();
        }
        return;
      }
      case 'buffer':
        this.#hold(chunk);
        if (this.#heldBytes > maxHeldErrorBytes) this.#commit();
        return;
      default:
        return;
    }
  }

  onResponseEnd(): void {
    this.#clearGate();
    if (this.#settled) return;
    if (this.#mode === 'buffer') {
      this.#decideOnError();
      return;
    }
    if (this.#mode === 'gate') {
      const observer = this.#observer as SseObserver;
      if (observer.error === undefined && observer.sawMessageStop) {
        // A complete stream without content blocks: nothing to fail over from.
        this.#commit();
      } else {
        const error = observer.error;
        this.#fail(
          {
            result: 'failure',
            failure: 'stream',
            status: this.#status,
            ...(error ? { errorType: error.type, errorMessage: error.message } : {}),
            headers: this.#headers,
          },
          error ? `in-band ${error.type} before content` : 'stream ended before content',
          this.#heldResponse(error === undefined),
          undefined,
        );
        return;
      }
    }
    const response = this.#context.response;
    const observer = this.#observer;
    if (observer !== undefined && this.#status === 200) {
      if (observer.error !== undefined) {
        // The upstream's own error event already went to the client; the stream is over.
        response.end();
        this.#finish(this.#inBandError(observer.error), `in-band ${observer.error.type} after content`);
        return;
      }
      if (!observer.sawMessageStop || observer.malformed) {
        const reason = observer.malformed ? 'malformed stream' : 'stream ended without message_stop';
        this.#endStreamWithError(reason);
        this.#finish(
          {
            result: 'failure',
            failure: observer.malformed ? 'protocol' : 'stream',
            status: 200,
            headers: this.#headers,
          },
          reason,
        );
        return;
      }
    }
    response.end();
    this.#finish(
      {
        result: this.#status < 400 ? 'success' : 'client_error',
        status: this.#status,
        headers: this.#headers,
      },
      undefined,
    );
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#clearGate();
    if (this.#settled) return;
    const transport = classifyTransportError(error);
    if (this.#mode === 'stream' || this.#mode === 'done') {
      // After commit there is no invisible way out: end the stream with an error event the client understands.
      if (this.#observer !== undefined) {
        this.#endStreamWithError(`upstream ${transport.description}`);
      } else {
        this.#context.response.destroy();
      }
      this.#finish(
        {
          result: 'failure',
          failure: transport.failure === 'timeout' ? 'timeout' : 'stream',
          status: this.#status,
          headers: this.#headers,
        },
        transport.description,
      );
      return;
    }
    const gated = this.#mode === 'gate';
    this.#fail(
      {
        result: 'failure',
        failure: transport.failure,
        ...(this.#status !== 0 ? { status: this.#status, headers: this.#headers } : {}),
      },
      transport.description,
      gated ? this.#heldResponse(true) : undefined,
      transport,
    );
  }

  readonly #onGateTimeout = (): void => {
    this.#gateTimer = undefined;
    if (this.#mode !== 'gate' || this.#settled) return;
    if (this.#context.canFailOver) {
      this.#abandon(
        { result: 'failure', failure: 'timeout', status: this.#status, headers: this.#headers },
        'no content before first_content_timeout',
      );
    } else {
      this.#commit();
    }
  };

  #decideOnError(): void {
    const body = this.#heldBody();
    const error = readErrorBody(decodedCopy(body, this.#headers['content-encoding']));
    const outcome: AttemptOutcome = {
      result: 'failure',
      failure: 'status',
      status: this.#status,
      headers: this.#headers,
      ...(error.type !== undefined ? { errorType: error.type } : {}),
      ...(error.message !== undefined ? { errorMessage: error.message } : {}),
      ...(error.code !== undefined ? { errorCode: error.code } : {}),
    };
    const clientsCredential =
      this.#context.clientCredentials && (this.#status === 401 || this.#status === 403);
    if (
      !clientsCredential &&
      (isProviderFailureStatus(this.#status) || (this.#status === 400 && isAccountProblem(error.message)))
    ) {
      this.#fail(
        outcome,
        `status ${this.#status}`,
        { status: this.#status, headers: this.#headers, body },
        undefined,
      );
      return;
    }
    // The client's own mistake: pass it through unchanged, and it says nothing about the provider.
    this.#commit();
    this.#context.response.end();
    const { failure: _failure, ...neutral } = outcome;
    this.#finish({ ...neutral, result: 'client_error' }, undefined);
  }

  #commit(): void {
    const response = this.#context.response;
    this.#context.onCommit();
    response.writeHead(
      this.#status,
      responseHeaders(
        this.#headers,
        this.#provider,
        this.#context.requestId,
        this.#context.maxRetryAfterInSeconds,
      ),
    );
    this.#clearGate();
    const mode = this.#mode;
    this.#mode = 'stream';
    if (this.#heldBytes > 0) {
      const body = this.#heldBody();
      this.#held = [];
      this.#heldBytes = 0;
      if (mode === 'buffer') {
        this.#bytesOut += body.length;
        if (this.#captured !== undefined) this.#capture(body);
        response.write(body);
        return;
      }
      if (this.#controller !== undefined) this.#write(this.#controller, body);
    }
    // An SSE head is not flushed on its own: it leaves with the first event, in one write, as upstreams send them.
  }

  #write(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#bytesOut += chunk.length;
    if (this.#captured !== undefined) this.#capture(chunk);
    if (!this.#context.response.write(chunk)) {
      controller.pause();
      this.#context.response.once('drain', this.#onDrain);
    }
  }

  #capture(chunk: Buffer): void {
    const room = this.#context.captureLimitInBytes - this.#capturedBytes;
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    (this.#captured as Buffer[]).push(kept);
    this.#capturedBytes += kept.length;
  }

  #hold(chunk: Buffer): void {
    this.#held.push(chunk);
    this.#heldBytes += chunk.length;
  }

  #heldBody(): Buffer {
    return this.#held.length === 1 ? (this.#held[0] as Buffer) : Buffer.concat(this.#held, this.#heldBytes);
  }

  #heldResponse(withErrorTrailer: boolean): HeldResponse {
    return {
      status: this.#status,
      headers: this.#headers,
      body: this.#heldBody(),
      ...(withErrorTrailer
        ? { trailer: sseErrorEvent('api_error', 'upstream stream ended before any content') }
        : {}),
    };
  }

  #copyForUsage(chunk: Buffer): void {
    const copy = this.#usageCopy as Buffer[];
    this.#usageCopyBytes += chunk.length;
    if (this.#usageCopyBytes > maxUsageCopyBytes) {
      this.#usageCopy = undefined;
      return;
    }
    copy.push(chunk);
  }

  #endStreamWithError(reason: string): void {
    const response = this.#context.response;
    if (response.destroyed || response.writableEnded) return;
    const event = sseErrorEvent('api_error', `ccb: ${reason}`);
    this.#bytesOut += event.length;
    response.end(event);
  }

  /** Gives up on this upstream before anything reached the client, so another provider can be tried. */
  #abandon(outcome: AttemptOutcome, reason: string): void {
    this.#clearGate();
    this.#fail(outcome, reason, this.#heldResponse(outcome.errorType === undefined), undefined);
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
      upstreamRequestId: headerValue(this.#headers['request-id']),
      bytesOut: this.#bytesOut,
      reason,
      capturedBody:
        this.#captured === undefined ? undefined : Buffer.concat(this.#captured, this.#capturedBytes),
    });
  }

  /** The outcome of an upstream that sent an SSE `error` event. */
  #inBandError(error: { type: string; message: string }): AttemptOutcome {
    return {
      result: 'failure',
      failure: 'stream',
      status: this.#status,
      errorType: error.type,
      errorMessage: error.message,
      headers: this.#headers,
    };
  }

  #usage(): Usage | undefined {
    if (this.#observer !== undefined) return this.#observer.usage;
    const copy = this.#usageCopy;
    if (copy === undefined || copy.length === 0 || this.#status >= 300) return undefined;
    const body = decodedCopy(
      copy.length === 1 ? (copy[0] as Buffer) : Buffer.concat(copy),
      this.#headers['content-encoding'],
    );
    return readResponseUsage(body);
  }

  #settle(result: AttemptResult): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve(result);
  }

  #clearGate(): void {
    if (this.#gateTimer !== undefined) {
      clearTimeout(this.#gateTimer);
      this.#gateTimer = undefined;
    }
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
