import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ApiSurface, RequestRecord } from '@ccb/protocol';
import { clientClosedRequest } from './build-request-record.js';
import type { ClientResponse } from './client-response.js';
import { type DedupOptions, maxCachedAnswerBytes, maxCachedAnswers } from './dedup-options.js';
import { type DedupServed, dedupRecord } from './dedup-record.js';
import type { ExchangeInit } from './exchange-context.js';
import type { ProxyHooks } from './proxy-options.js';
import { sendError } from './send-error.js';
import { type ReplayMemory, SharedResponse } from './shared-response.js';

/** A completed 2xx answer kept for reuse. */
interface CachedAnswer {
  readonly status: number;
  readonly head: string[];
  readonly body: Buffer;
  readonly expiresAt: number;
  readonly record: Promise<RequestRecord | undefined>;
}

/** Runs the exchange of a request that leads a call, writing into `response`. */
export type RunExchange = (
  response: ClientResponse,
  onRecord: (record: RequestRecord) => void,
) => Promise<void>;

/**
 * The deduplicated calls of one settings snapshot (so a reload never joins across configurations): the calls in
 * flight by request key, and the completed `count_tokens`/models answers kept for `cacheTtlInMs`. A request either
 * gets a cached answer, joins a call in flight, or leads a new call that later identical requests join.
 */
export class DedupRegistry {
  /** Whether requests of an API surface are deduplicated at all: the one check every request pays. */
  readonly covers: Readonly<Record<ApiSurface, boolean>>;
  readonly #options: DedupOptions;
  readonly #memory: ReplayMemory;
  readonly #hooks: ProxyHooks;
  readonly #now: () => number;
  readonly #inFlight = new Map<string, SharedResponse>();
  readonly #cache = new Map<string, CachedAnswer>();
  #cachedBytes = 0;

  constructor(options: DedupOptions, memory: ReplayMemory, hooks: ProxyHooks) {
    this.#options = options;
    this.#memory = memory;
    this.#hooks = hooks;
    this.#now = options.now ?? Date.now;
    this.covers = {
      messages: options.messages === 'in_flight',
      count_tokens: options.countTokens,
      models: options.models,
      other: false,
    };
  }

  /**
   * Answers a request of a covered surface: from the cache, by joining the identical call in flight, or by leading
   * a new call (`runExchange`). Resolves once the request is recorded.
   */
  async serve(init: ExchangeInit, runExchange: RunExchange): Promise<void> {
    const api = init.route.api ?? 'messages';
    const method = init.request.method;
    // A client already gone (while its body was read) never leads or joins a call: its close was already told.
    if (method !== (api === 'models' ? 'GET' : 'POST') || init.response.destroyed) {
      return runExchange(init.response, noRecord);
    }
    const key = keyOf(init);
    const cached = this.#cached(key);
    if (cached !== undefined) return this.#serveCached(init, cached);
    const call = this.#inFlight.get(key);
    if (call?.joinable) return this.#join(init, call);
    const shared = new SharedResponse({
      maxReplayInBytes: this.#options.maxReplayInBytes,
      retryGraceInMs: this.#options.retryGraceInMs,
      memory: this.#memory,
      onUnjoinable: (ended) => {
        if (this.#inFlight.get(key) === ended) this.#inFlight.delete(key);
      },
      onEnd: (ended, completed) => {
        if (completed && api !== 'messages') this.#store(key, ended);
      },
    });
    this.#inFlight.set(key, shared);
    shared.subscribe(init.response as ServerResponse, init.requestId, undefined);
    try {
      await runExchange(shared, (record) => shared.record(record));
    } catch (error) {
      // A fault in ccb answers every client of the call with the 500 a lone request would get, not a reset.
      if (!shared.headersSent) {
        const reason = error instanceof Error ? error.message : String(error);
        sendError(shared, 500, 'api_error', `ccb internal error: ${reason}`, { requestId: init.requestId });
      }
    } finally {
      shared.settle();
    }
  }

  async #join(init: ExchangeInit, call: SharedResponse): Promise<void> {
    const response = init.response as ServerResponse;
    const closed = new Promise<void>((resolve) => response.once('close', () => resolve()));
    const subscriber = call.subscribe(response, init.requestId, 'joined');
    await closed;
    const record = await call.recorded;
    this.#report(init, record, {
      dedup: 'joined',
      status: servedStatus(response),
      bytesOut: subscriber.bytesOut,
      firstByteAt: subscriber.firstByteAt,
    });
  }

  async #serveCached(init: ExchangeInit, cached: CachedAnswer): Promise<void> {
    const response = init.response as ServerResponse;
    const closed = new Promise<void>((resolve) => response.once('close', () => resolve()));
    const head = cached.head.slice();
    for (let index = 0; index + 1 < head.length; index += 2) {
      if (head[index]?.toLowerCase() === 'x-request-id') head[index + 1] = init.requestId;
    }
    head.push('x-ccb-dedup', 'cached');
    response.writeHead(cached.status, head);
    const firstByteAt = performance.now();
    response.end(cached.body);
    await closed;
    const record = await cached.record;
    this.#report(init, record, {
      dedup: 'cached',
      status: servedStatus(response),
      bytesOut: cached.body.length,
      firstByteAt,
    });
  }

  #report(init: ExchangeInit, call: RequestRecord | undefined, served: DedupServed): void {
    this.#hooks.onRequestEnd?.(dedupRecord(init, call, served));
  }

  #cached(key: string): CachedAnswer | undefined {
    const cached = this.#cache.get(key);
    if (cached === undefined) return undefined;
    if (this.#now() < cached.expiresAt) return cached;
    this.#drop(key, cached);
    return undefined;
  }

  /** Keeps a completed 2xx answer for reuse; errors are never reused. */
  #store(key: string, call: SharedResponse): void {
    const ttlInMs = this.#options.cacheTtlInMs;
    if (ttlInMs <= 0 || call.statusCode < 200 || call.statusCode >= 300) return;
    const answer = call.answer();
    if (answer === undefined || answer.body.length > maxCachedAnswerBytes) return;
    const now = this.#now();
    const previous = this.#cache.get(key);
    if (previous !== undefined) this.#drop(key, previous);
    // Answers are kept in the order they were stored, with one TTL: the oldest expire first.
    for (const [oldKey, old] of this.#cache) {
      if (
        old.expiresAt > now &&
        this.#cache.size < maxCachedAnswers &&
        this.#cachedBytes + answer.body.length <= maxCachedAnswerBytes
      )
        break;
      this.#drop(oldKey, old);
    }
    this.#cachedBytes += answer.body.length;
    this.#cache.set(key, {
      status: call.statusCode,
      head: answer.head,
      body: answer.body,
      expiresAt: now + ttlInMs,
      record: call.recorded,
    });
  }

  #drop(key: string, cached: CachedAnswer): void {
    this.#cache.delete(key);
    this.#cachedBytes -= cached.body.length;
  }
}

function noRecord(): void {}

/** The status a client got: 499 when it left before its answer ended. */
function servedStatus(response: ServerResponse): number {
  return response.writableFinished ? response.statusCode : clientClosedRequest;
}

/**
 * What makes two requests the same: client key, the credentials it presented (without `auth.api_keys` every client
 * has the same key id, and a passthrough provider answers by the client's own credential), method, path with query,
 * the headers that change the answer (its version, betas and encoding) and the body bytes. Fields are separated by
 * NUL, which no header value or key id can hold.
 */
function keyOf(init: ExchangeInit): string {
  const { request, body, headers } = init;
  const fields = [
    init.clientKeyId,
    headers.apiKey ?? '',
    headers.authorization ?? '',
    headerText(request.headers['accept-encoding']),
    headerText(request.headers.accept),
    request.method ?? 'GET',
    request.url ?? '/',
    headerText(request.headers['anthropic-version']),
    headerText(request.headers['anthropic-beta']),
  ];
  const hash = createHash('sha256').update(`${fields.join('\0')}\0`);
  if (body !== null) for (const piece of body.pieces) hash.update(piece);
  return hash.digest('base64url');
}

function headerText(value: string | string[] | undefined): string {
  return value === undefined ? '' : Array.isArray(value) ? value.join(',') : value;
}
