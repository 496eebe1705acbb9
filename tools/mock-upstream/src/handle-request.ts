import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultErrorMessage, errorTypeForStatus, renderErrorEventData } from './anthropic-error.js';
import { matchBedrockRoute, respondBedrock } from './bedrock-mode.js';
import { controlPathPrefix, handleControlRequest } from './control-api.js';
import type { Fault } from './fault.js';
import type { Exchange, MockContext } from './mock-context.js';
import { sendBody, sendError } from './mock-context.js';
import { mockModelListBody } from './mock-models.js';
import { tokenRoute } from './oauth-mode.js';
import { type ParsedBody, readJson } from './read-json.js';
import { type ApiCall, respondCountTokens, respondMessages, type StreamShape } from './respond-messages.js';
import { respondToken } from './respond-token.js';
import { scanIsStreaming } from './scan-request-body.js';
import { encodeSseEvent } from './sse-frame.js';
import { matchVertexRoute, respondVertex, respondVertexToken, vertexTokenPath } from './vertex-mode.js';

const notParsed: ParsedBody = { json: undefined, jsonInvalid: false };
const rootBody = '{"status":"ok"}';

function authFailure(context: MockContext, exchange: Exchange): string | undefined {
  if (context.apiKey === undefined) return undefined;
  const headers = exchange.request.headers;
  const apiKeyHeader = headers['x-api-key'];
  // The real API reads x-api-key first when both are present (protocol §2).
  if (apiKeyHeader !== undefined) return apiKeyHeader === context.apiKey ? undefined : 'invalid x-api-key';
  const authorization = headers.authorization;
  if (authorization === undefined) return 'x-api-key header is required';
  return authorization === context.bearerAuthorization ? undefined : 'invalid bearer token';
}

function streamShapeFor(context: MockContext, fault: Fault | undefined): StreamShape {
  switch (fault?.kind) {
    case 'delay':
      return { intervalInMs: fault.betweenEventsInMs ?? context.streamIntervalInMs, cut: undefined };
    case 'drop-after':
      return { intervalInMs: context.streamIntervalInMs, cut: { kind: 'drop', afterEvents: fault.events } };
    case 'stall-after':
      return { intervalInMs: context.streamIntervalInMs, cut: { kind: 'stall', afterEvents: fault.events } };
    case 'sse-error': {
      const errorType = fault.errorType ?? 'overloaded_error';
      const data = renderErrorEventData(errorType, fault.message ?? defaultErrorMessage(errorType));
      return {
        intervalInMs: context.streamIntervalInMs,
        cut: { kind: 'error', afterEvents: fault.afterEvents, frame: encodeSseEvent('error', data) },
      };
    }
    default:
      return { intervalInMs: context.streamIntervalInMs, cut: undefined };
  }
}

const thirdPartyNotFound = '{"code":404,"msg":"Not Found","success":false}';

function respondApi(
  context: MockContext,
  exchange: Exchange,
  route: string,
  call: ApiCall,
  shape: StreamShape,
): void {
  // A client that left during a `delay` fault gets nothing more.
  if (exchange.response.destroyed) return;
  if (context.oauth !== undefined) {
    const headers = exchange.request.headers;
    const verdict = context.oauth.server.checkAccess({
      authorization: headers.authorization,
      apiKey: headers['x-api-key'],
      beta: headers['anthropic-beta'],
    });
    if (!verdict.ok) {
      sendError(context, exchange, verdict.status, verdict.errorType, verdict.message, verdict.headers);
      return;
    }
    exchange.headers = Object.entries(verdict.headers).flat();
  } else {
    const authProblem = authFailure(context, exchange);
    if (authProblem !== undefined) {
      sendError(context, exchange, 401, 'authentication_error', authProblem);
      return;
    }
  }
  const method = exchange.request.method;
  if (method === 'POST' && route === '/v1/messages') respondMessages(context, exchange, call, shape);
  else if (method === 'POST' && route === '/v1/messages/count_tokens' && context.thirdParty)
    // A third party without the endpoint: its own 404, not in Anthropic's shape.
    sendBody(context, exchange, 404, thirdPartyNotFound, { 'content-type': 'application/json' });
  else if (method === 'POST' && route === '/v1/messages/count_tokens')
    respondCountTokens(context, exchange, call);
  else if (method === 'GET' && route === '/v1/models') sendBody(context, exchange, 200, mockModelListBody);
  else sendError(context, exchange, 404, 'not_found_error', `Not Found: ${method} ${route}`);
}

function applyFault(
  context: MockContext,
  exchange: Exchange,
  fault: Fault,
  route: string,
  call: ApiCall,
): void {
  switch (fault.kind) {
    case 'status': {
      const errorType = fault.errorType ?? errorTypeForStatus(fault.status);
      if (fault.body !== undefined)
        sendBody(context, exchange, fault.status, fault.body, fault.headers ?? {});
      else sendError(context, exchange, fault.status, errorType, fault.message, fault.headers);
      return;
    }
    case 'reset':
      exchange.serverClosed = true;
      exchange.request.socket.resetAndDestroy();
      return;
    case 'hang':
      // Nothing is written; close() or the client ends it.
      return;
    case 'delay': {
      const shape = streamShapeFor(context, fault);
      if (fault.headersInMs === undefined || fault.headersInMs === 0) {
        respondApi(context, exchange, route, call, shape);
        return;
      }
      exchange.timer = setTimeout(() => {
        exchange.timer = undefined;
        respondApi(context, exchange, route, call, shape);
      }, fault.headersInMs);
      return;
    }
    default:
      respondApi(context, exchange, route, call, streamShapeFor(context, fault));
  }
}

function dispatch(context: MockContext, exchange: Exchange, body: Buffer, tooLarge: boolean): void {
  const request = exchange.request;
  const target = request.url ?? '/';
  const queryStart = target.indexOf('?');
  const pathname = queryStart === -1 ? target : target.slice(0, queryStart);
  if (pathname.startsWith(controlPathPrefix)) {
    handleControlRequest(context, exchange, pathname, body);
    return;
  }
  // Base URLs may carry a prefix (`/api/anthropic/v1/messages`): serve from the `/v1/` on.
  const apiStart = pathname.indexOf('/v1/');
  const route = apiStart === -1 ? pathname : pathname.slice(apiStart);
  const method = request.method ?? 'GET';
  // The token endpoint is not an API request: counted in `tokenRequests`, never in `requests`, and has its own faults.
  if (context.oauth !== undefined && method === 'POST' && route === tokenRoute) {
    respondToken(context, context.oauth, exchange, body);
    return;
  }
  // Google's token endpoint, likewise not an API request.
  if (context.vertex !== undefined && method === 'POST' && pathname === vertexTokenPath) {
    respondVertexToken(context, context.vertex, exchange, body);
    return;
  }
  const parsed = context.lean || tooLarge ? notParsed : readJson(body);
  if (!context.lean) {
    context.requests.push({
      method,
      path: target,
      headers: request.headers,
      body,
      json: parsed.json,
      receivedAt: context.now(),
    });
  }
  context.received.increment();

  if (tooLarge) {
    sendError(context, exchange, 413, 'request_too_large');
    return;
  }
  if (pathname === '/' && (method === 'GET' || method === 'HEAD')) {
    sendBody(context, exchange, 200, rootBody);
    return;
  }
  const bedrockRoute =
    context.bedrock !== undefined && method === 'POST' ? matchBedrockRoute(pathname) : undefined;
  if (bedrockRoute !== undefined) {
    const fault = context.faults.take(bedrockRoute.streaming);
    if (fault?.kind === 'status' || fault?.kind === 'reset' || fault?.kind === 'hang') {
      applyFault(context, exchange, fault, route, {
        body,
        json: undefined,
        jsonInvalid: false,
        streaming: bedrockRoute.streaming,
      });
    } else {
      void respondBedrock(
        context,
        exchange,
        context.bedrock as NonNullable<MockContext['bedrock']>,
        bedrockRoute,
        body,
        fault,
      );
    }
    return;
  }
  const vertexRoute =
    context.vertex !== undefined && method === 'POST' ? matchVertexRoute(pathname) : undefined;
  if (vertexRoute !== undefined) {
    const fault = context.faults.take(vertexRoute.streaming);
    if (fault?.kind === 'status' || fault?.kind === 'reset' || fault?.kind === 'hang') {
      applyFault(context, exchange, fault, route, {
        body,
        json: undefined,
        jsonInvalid: false,
        streaming: false,
      });
    } else {
      respondVertex(
        context,
        context.vertex as NonNullable<MockContext['vertex']>,
        exchange,
        vertexRoute,
        body,
        fault,
      );
    }
    return;
  }
  const isMessages = method === 'POST' && route === '/v1/messages';
  const streaming =
    isMessages &&
    (context.lean ? scanIsStreaming(body) : (parsed.json as { stream?: unknown })?.stream === true);
  const call: ApiCall = { body, json: parsed.json, jsonInvalid: parsed.jsonInvalid, streaming };
  const fault = context.faults.take(streaming);
  if (fault === undefined) respondApi(context, exchange, route, call, streamShapeFor(context, undefined));
  else applyFault(context, exchange, fault, route, call);
}

/** Builds the `request` listener of a mock's `http.Server` (internal). */
export function createRequestHandler(
  context: MockContext,
): (request: IncomingMessage, response: ServerResponse) => void {
  return function handleRequest(request, response) {
    const exchange: Exchange = {
      request,
      response,
      requestId: context.ids.requestId(),
      serverClosed: false,
      timer: undefined,
      headers: undefined,
    };
    context.activeRequests++;
    response.once('close', () => {
      context.activeRequests--;
      if (exchange.timer !== undefined) clearTimeout(exchange.timer);
      if (!response.writableFinished && !exchange.serverClosed && !context.closing)
        context.aborts.increment();
    });

    const chunks: Buffer[] = [];
    let size = 0;
    let kept = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep draining an oversized body (the connection stays usable) but stop keeping it.
      if (size > context.maxRequestBodyInBytes) tooLarge = true;
      else if (kept < context.bodyHeadInBytes) {
        chunks.push(chunk);
        kept += chunk.length;
      }
    });
    request.on('end', () => {
      const body = tooLarge
        ? Buffer.alloc(0)
        : chunks.length === 1
          ? (chunks[0] as Buffer)
          : Buffer.concat(chunks, kept);
      dispatch(context, exchange, body, tooLarge);
    });
  };
}
