import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { ResponseTranslator } from './ports.js';

/** Largest error body held to translate it; past it the error is translated from its status and headers alone. */
const maxErrorBytes = 1024 * 1024;

/**
 * Sits between undici and an attempt's handler for an upstream with an adapter: it turns the answer into Anthropic's
 * bytes before the attempt sees anything, so the SSE observer, the commit gate, usage and failover work on what the
 * first-party API would have sent. A 2xx body is translated chunk by chunk (backpressure unchanged: the attempt
 * pauses the same controller); an error answer is held whole and handed on as Anthropic's error.
 */
export class AdaptedHandler implements Dispatcher.DispatchHandler {
  readonly #inner: Dispatcher.DispatchHandler;
  readonly #translator: ResponseTranslator;
  #status = 0;
  #headers: IncomingHttpHeaders = {};
  /** Held error body chunks; `undefined` for a 2xx answer. */
  #errorChunks: Buffer[] | undefined;
  #errorBytes = 0;
  /** The translation failed: the inner handler was told, later events are dropped. */
  #broken = false;

  constructor(inner: Dispatcher.DispatchHandler, translator: ResponseTranslator) {
    this.#inner = inner;
    this.#translator = translator;
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#inner.onRequestStart?.(controller, context);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    // An informational head (103 Early Hints) is not the answer, whose own head follows: nothing to translate.
    if (statusCode < 200) return;
    this.#status = statusCode;
    this.#headers = headers;
    if (statusCode >= 300) {
      this.#errorChunks = [];
      return;
    }
    const translated: IncomingHttpHeaders = { ...headers, 'content-type': this.#translator.contentType };
    if (this.#translator.reframes) delete translated['content-length'];
    this.#copyRequestId(translated);
    this.#inner.onResponseStart?.(controller, statusCode, translated, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#broken) return;
    const held = this.#errorChunks;
    if (held !== undefined) {
      if (this.#errorBytes + chunk.length <= maxErrorBytes) held.push(chunk);
      this.#errorBytes += chunk.length;
      return;
    }
    let out: Buffer | undefined;
    try {
      out = this.#translator.transform(chunk);
    } catch (error) {
      this.#break(controller, error);
      return;
    }
    if (out !== undefined && out.length > 0) this.#inner.onResponseData?.(controller, out);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    if (this.#broken) return;
    const held = this.#errorChunks;
    if (held !== undefined) {
      const body = this.#errorBytes <= maxErrorBytes ? Buffer.concat(held) : Buffer.alloc(0);
      const answer = this.#translator.errorAnswer(this.#status, this.#headers, body);
      const headers = { ...answer.headers, 'content-length': String(answer.body.length) };
      delete headers['content-encoding'];
      this.#copyRequestId(headers);
      this.#inner.onResponseStart?.(controller, answer.status, headers, undefined);
      this.#inner.onResponseData?.(controller, answer.body);
      this.#inner.onResponseEnd?.(controller, trailers);
      return;
    }
    let rest: Buffer | undefined;
    try {
      rest = this.#translator.flush();
    } catch (error) {
      this.#break(controller, error);
      return;
    }
    if (rest !== undefined && rest.length > 0) this.#inner.onResponseData?.(controller, rest);
    this.#inner.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#broken) return;
    this.#inner.onResponseError?.(controller, error);
  }

  #copyRequestId(headers: IncomingHttpHeaders): void {
    const name = this.#translator.requestIdHeader;
    if (name === undefined || headers['request-id'] !== undefined) return;
    const id = headers[name];
    if (typeof id === 'string') headers['request-id'] = id;
  }

  /** A body that breaks the provider's framing ends the attempt as a transport failure would. */
  #break(controller: Dispatcher.DispatchController, cause: unknown): void {
    this.#broken = true;
    const error = cause instanceof Error ? cause : new Error(String(cause));
    this.#inner.onResponseError?.(controller, error);
    controller.abort(error);
  }
}
