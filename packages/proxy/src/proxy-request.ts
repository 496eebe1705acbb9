import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiSurface, apiSurfaceOf, maxNestingDepth, type Span } from '@ccb/protocol';
import type { Generation } from './_generation.js';
import { answerBodyFailure } from './answer-body-failure.js';
import type { ClientAuth } from './client-auth.js';
import type { DedupRegistry } from './dedup-registry.js';
import { Exchange } from './exchange.js';
import type { ExchangeContext, ExchangeInit } from './exchange-context.js';
import { anthropicBetaOf, type ClientHeaders, readClientHeaders } from './hop-by-hop.js';
import { isClaudeCode } from './is-claude-code.js';
import type { RouteRequest } from './ports.js';
import { type BodyReading, readRequestBody } from './read-request-body.js';
import { refuseRequest } from './refuse-request.js';
import type { RequestBody } from './request-body.js';
import { readRequestBodyInfo } from './request-body-info.js';
import { nextRequestId } from './request-id.js';
import { readRequestNeeds } from './request-needs.js';
import { sendError } from './send-error.js';

/**
 * The handler's settings for taking a request in, on top of those its exchange reads: one snapshot of them, built
 * once per (re)configuration and read by every request that starts while it is current.
 */
export interface ProxyRequestContext extends ExchangeContext {
  /** Counts the requests of this snapshot in progress, so that the pools a reload retired close after the last. */
  readonly generation: Generation;
  /** The token this instance adds to `via`; a request carrying it again is a loop. */
  readonly viaToken: string;
  /** Checks the client key of each request. */
  readonly auth: ClientAuth;
  /** How bodies are read: limit, idle timeout, the memory all bodies share. */
  readonly bodyReading: BodyReading;
  /** Request deduplication, when some of it is on; `undefined`: off, and no request pays anything for it. */
  readonly dedup: DedupRegistry | undefined;
}

/**
 * The route of a request whose body routing does not read: one shared object per API surface, so that the router
 * learns which surface an attempt served (a 401 judges credentials only on the Messages API) at no cost.
 */
const bodilessRoutes: Readonly<Record<ApiSurface, RouteRequest>> = {
  messages: { api: 'messages' },
  count_tokens: { api: 'count_tokens' },
  models: { api: 'models' },
  other: { api: 'other' },
};

/**
 * Takes one `/v1/` request in (loop check, client key, body, the routing facts in the body), then runs its
 * exchange. Answers refused requests itself, and a fault in ccb or in a hook (the planner, admission) with a 500
 * in Anthropic's shape that still carries the request id; a credential source that fails is an attempt's failure
 * instead, and fails over. Never rejects. `path` is in the normal form the request guard gave it, as is
 * `request.url`: every decision below and the upstream request see that one spelling. The request counts in
 * `context.generation` from this call until it settles (its last attempt over); call it in the same tick as
 * `context` was read as the current snapshot.
 */
export function proxyRequest(
  context: ProxyRequestContext,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
): Promise<void> {
  let requestId: string | undefined;
  const generation = context.generation;
  generation.active++;
  let taken: Promise<void>;
  try {
    const arrivedAt = performance.now();
    const headers = readClientHeaders(request.headers);
    requestId = headers.requestId ?? nextRequestId();
    taken = takeIn(context, request, response, path, arrivedAt, headers, requestId);
  } catch (error) {
    taken = Promise.reject(error);
  }
  // Continuations, not `await`: a suspended frame would be held for as long as a stream lasts (see `Exchange#run`).
  return taken.then(
    () => generation.end(),
    (error: unknown) => {
      try {
        const reason = error instanceof Error ? error.message : String(error);
        sendError(response, 500, 'api_error', `ccb internal error: ${reason}`, { requestId });
      } finally {
        generation.end();
      }
    },
  );
}

async function takeIn(
  context: ProxyRequestContext,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  arrivedAt: number,
  headers: ClientHeaders,
  requestId: string,
): Promise<void> {
  const { viaToken } = context;
  if (headers.via?.includes(viaToken)) {
    return refuseRequest(
      request,
      response,
      508,
      'api_error',
      `request loop detected: it already passed through this ccb (${viaToken})`,
      { requestId },
    );
  }
  const clientKeyId = context.auth.verify(headers.apiKey, headers.authorization);
  if (clientKeyId === undefined) {
    context.hooks.onClientRejected?.(
      context.auth.fingerprintOf(headers.apiKey, headers.authorization),
      request,
    );
    return refuseRequest(
      request,
      response,
      401,
      'authentication_error',
      'invalid or missing ccb API key: send one of auth.api_keys as x-api-key or Authorization: Bearer',
      { requestId },
    );
  }
  let body: RequestBody | null = null;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    try {
      body = await readRequestBody(request, response, context.bodyReading);
    } catch (error) {
      return answerBodyFailure(request, response, error, requestId);
    }
  }
  const api = apiSurfaceOf(path);
  const isMessages = api === 'messages';
  let route = bodilessRoutes[api];
  let stream = false;
  let modelSpan: Span | undefined;
  let noOpContextManagement: Span | undefined;
  if (body !== null && (isMessages || api === 'count_tokens') && request.method === 'POST') {
    const inputTokens = Math.ceil(body.length / 4);
    // What routing keeps of the body are strings, flags and spans (the buffer read is reused by the next request).
    const { info, reading } = body.read((bytes) => {
      const found = readRequestBodyInfo(bytes, headers.sessionId);
      return {
        info: found,
        // Only when some provider lacks a capability: everywhere else a request pays nothing for it.
        reading:
          found !== undefined && context.capabilityGaps
            ? readRequestNeeds(bytes, found, anthropicBetaOf(headers), inputTokens)
            : undefined,
      };
    });
    if (info === undefined) {
      return sendError(
        response,
        400,
        'invalid_request_error',
        `request body is not a valid JSON object, nests deeper than ${maxNestingDepth} levels, or repeats a top-level key (model, stream, …)`,
        { requestId },
      );
    }
    stream = info.stream;
    modelSpan = info.modelSpan;
    noOpContextManagement = reading?.noOpContextManagement;
    route = {
      api,
      model: info.model,
      sessionKey: info.sessionKey,
      thinking: info.thinking,
      inputTokens,
      // Only a subscription account cares, and most setups have none.
      fromClaudeCode: context.planner.hasOAuthTargets === true ? isClaudeCode(request.headers) : undefined,
      needs: reading?.needs,
    };
  }
  const init: ExchangeInit = {
    request,
    response,
    headers,
    body,
    modelSpan,
    noOpContextManagement,
    requestId,
    clientKeyId,
    route,
    stream,
    observeUsage: isMessages,
    arrivedAt,
    onRecord: undefined,
  };
  const dedup = context.dedup;
  if (dedup?.covers[api] === true) {
    return dedup.serve(init, (shared, onRecord) =>
      new Exchange(context, { ...init, response: shared, onRecord }).run(),
    );
  }
  // Returned, not awaited: this frame is not held while the exchange runs (a whole stream).
  return new Exchange(context, init).run();
}

/** The client's `anthropic-beta` value (Node joins repeated ones), `undefined` when it sent none. */
