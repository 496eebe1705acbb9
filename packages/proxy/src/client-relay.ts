import type { IncomingHttpHeaders } from 'node:http';
import { sseErrorEvent } from '@ccb/protocol';
import type { Dispatcher } from 'undici';
import type { ClientResponse } from './client-response.js';
import { responseHeaders } from './response-headers.js';

/** What a relay needs to know about the request it answers. */
export interface ClientRelayContext {
  readonly response: ClientResponse;
  readonly requestId: string;
  /** Largest `retry-after` (seconds) passed to the client. */
  readonly maxRetryAfterInSeconds: number;
  /** Keep a copy of up to this many response bytes for debug logging (0: keep nothing). */
  readonly captureLimitInBytes: number;
  /** Called once, when the first byte of the response is about to be written to the client. */
  onCommit(): void;
}

/**
 * The one writer to the client's `ServerResponse` for an attempt: the head, then the body chunk by chunk with
 * backpressure (the upstream is paused while the client's socket is full and resumed on `drain`, so a slow client
 * never makes ccb hold the stream in memory), and an SSE `error` event to end a stream that cannot finish.
 */
export class ClientRelay {
  /** Bytes written to the client. */
  bytesOut = 0;
  readonly #context: ClientRelayContext;
  readonly #provider: string;
  #controller: Dispatcher.DispatchController | undefined;
  #captured: Buffer[] | undefined;
  #capturedBytes = 0;
  /** Made on the first full socket: most answers never meet one, and a field would hold it all along. */
  #onDrain: (() => void) | undefined;

  constructor(provider: string, context: ClientRelayContext) {
    this.#provider = provider;
    this.#context = context;
    if (context.captureLimitInBytes > 0) this.#captured = [];
  }

  /** Writes the response head: the upstream's headers, cleaned, with `x-ccb-provider` and `x-request-id`. */
  commit(status: number, headers: IncomingHttpHeaders): void {
    const { response, requestId, maxRetryAfterInSeconds } = this.#context;
    this.#context.onCommit();
    // An SSE head is not flushed on its own: it leaves with the first event, in one write, as upstreams send them.
    response.writeHead(status, responseHeaders(headers, this.#provider, requestId, maxRetryAfterInSeconds));
  }

  /** Writes a chunk; pauses `controller` until the client drains when its buffer is full. */
  write(chunk: Buffer, controller: Dispatcher.DispatchController | undefined): void {
    this.bytesOut += chunk.length;
    if (this.#captured !== undefined) this.#capture(chunk);
    if (!this.#context.response.write(chunk) && controller !== undefined) {
      this.#controller = controller;
      controller.pause();
      this.#onDrain ??= () => this.#controller?.resume();
      this.#context.response.once('drain', this.#onDrain);
    }
  }

  /** Ends the response after the last chunk. */
  end(): void {
    this.#context.response.end();
  }

  /**
   * Ends a stream that cannot finish with an SSE `error` event, so the client never hangs and never mistakes a cut
   * stream for a clean end.
   */
  endWithError(reason: string): void {
    const response = this.#context.response;
    if (response.destroyed || response.writableEnded) return;
    const event = sseErrorEvent('api_error', `ccb: ${reason}`);
    this.bytesOut += event.length;
    response.end(event);
  }

  /** Cuts a non-SSE response that cannot finish: the client sees a broken connection, not a short body. */
  destroy(): void {
    this.#context.response.destroy();
  }

  /** The start of the response body, when capture is on. */
  captured(): Buffer | undefined {
    return this.#captured === undefined ? undefined : Buffer.concat(this.#captured, this.#capturedBytes);
  }

  #capture(chunk: Buffer): void {
    const room = this.#context.captureLimitInBytes - this.#capturedBytes;
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    (this.#captured as Buffer[]).push(kept);
    this.#capturedBytes += kept.length;
  }
}
