import { verifyJwtAssertion, vertexAnthropicVersion } from '@ccb/vertex';
import { defaultErrorMessage, renderErrorEventData } from './anthropic-error.js';
import { checkConversation } from './check-conversation.js';
import type { Fault } from './fault.js';
import type { Exchange, MockContext } from './mock-context.js';
import { renderMessageJson, renderStreamEvents } from './render-reply.js';
import { estimateInputTokens, planReply } from './reply-plan.js';
import { conversationRules } from './respond-messages.js';
import { encodeSseEvent } from './sse-frame.js';
import { newToolUseId, withThinking } from './thinking-reply.js';
import { validateMessagesRequest } from './validate-request.js';
import type { MockVertex, MockVertexOptions, VertexMode } from './vertex-options.js';
import { type StreamCut, writeEventStream } from './write-event-stream.js';

export type { MockVertex, MockVertexOptions } from './vertex-options.js';

/** Where the mock's Google token endpoint answers. */
export const vertexTokenPath = '/token';

/** `…/v1/projects/{p}/locations/{l}/publishers/anthropic/models/{model}:{rawPredict|streamRawPredict}`. */
const vertexRoutePattern =
  /\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/;

/** Google's HTTP status of each canonical code (https://cloud.google.com/apis/design/errors#handling_errors). */
const googleHttpStatus: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** One Vertex route of a request path. */
export interface VertexRoute {
  readonly project: string;
  readonly region: string;
  readonly model: string;
  readonly streaming: boolean;
}

export function createVertexMode(options: MockVertexOptions, url: string, tag: string): VertexMode {
  return {
    options,
    tokenUrl: `${url}${vertexTokenPath}`,
    tag,
    issued: new Map(),
    tokenRequests: 0,
    issuedCount: 0,
  };
}

/** The public face of the mode (`mock.vertex`). */
export function mockVertexOf(mode: VertexMode): MockVertex {
  return {
    tokenUrl: mode.tokenUrl,
    get tokenRequests() {
      return mode.tokenRequests;
    },
    get issuedTokens() {
      return mode.issuedCount;
    },
    revokeTokens() {
      mode.issued.clear();
    },
  };
}

export function matchVertexRoute(pathname: string): VertexRoute | undefined {
  const match = vertexRoutePattern.exec(pathname);
  if (match === null) return undefined;
  return {
    project: decodeURIComponent(match[1] as string),
    region: decodeURIComponent(match[2] as string),
    model: decodeURIComponent(match[3] as string),
    streaming: match[4] === 'streamRawPredict',
  };
}

/** A Google error body: `{"error":{"code":…,"message":…,"status":…}}`. */
function googleErrorBody(status: string, message: string): string {
  return JSON.stringify({ error: { code: googleHttpStatus[status] ?? 500, message, status } });
}

/**
 * A fault making the next request fail as Google fails: `{"error":{"code":429,"message":…,"status":"RESOURCE_EXHAUSTED"}}`
 * with Google's HTTP status for the code (RESOURCE_EXHAUSTED 429, PERMISSION_DENIED 403, NOT_FOUND 404,
 * UNAVAILABLE 503, INVALID_ARGUMENT 400, …). Over the control API, post the same `status` fault with this `body`.
 */
export function vertexErrorFault(status: string, message = `${status} from the mock`): Fault {
  return {
    kind: 'status',
    status: googleHttpStatus[status] ?? 500,
    headers: { 'content-type': 'application/json; charset=UTF-8' },
    body: googleErrorBody(status, message),
  };
}

function send(
  exchange: Exchange,
  status: number,
  body: string,
  contentType = 'application/json; charset=UTF-8',
): void {
  exchange.response.writeHead(status, [
    'content-type',
    contentType,
    'content-length',
    String(Buffer.byteLength(body)),
  ]);
  exchange.response.end(body);
}

function sendGoogle(exchange: Exchange, status: string, message: string): void {
  send(exchange, googleHttpStatus[status] ?? 500, googleErrorBody(status, message));
}

/** An error from the model behind Vertex: Anthropic's shape (no request id: Vertex sends none). */
function sendAnthropic(exchange: Exchange, status: number, errorType: string, message: string): void {
  send(
    exchange,
    status,
    JSON.stringify({ type: 'error', error: { type: errorType, message } }),
    'application/json',
  );
}

/**
 * `POST /token` as Google's OAuth endpoint: a service account's JWT assertion (RS256 verified with its public key,
 * `aud` this endpoint) or an authorized user's refresh token buys `{access_token, expires_in, token_type}`.
 */
export function respondVertexToken(
  context: MockContext,
  mode: VertexMode,
  exchange: Exchange,
  body: Buffer,
): void {
  mode.tokenRequests++;
  const form = new URLSearchParams(body.toString('utf8'));
  const grant = form.get('grant_type');
  const { serviceAccount, authorizedUser } = mode.options;
  let ok = false;
  if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer' && serviceAccount !== undefined) {
    const verified = verifyJwtAssertion({
      assertion: form.get('assertion') ?? '',
      publicKey: serviceAccount.publicKey,
      clientEmail: serviceAccount.clientEmail,
      audience: mode.tokenUrl,
      nowInMs: context.now(),
    });
    ok = verified?.scope.split(' ').includes('https://www.googleapis.com/auth/cloud-platform') === true;
  } else if (grant === 'refresh_token' && authorizedUser !== undefined) {
    ok =
      form.get('client_id') === authorizedUser.clientId &&
      form.get('client_secret') === authorizedUser.clientSecret &&
      form.get('refresh_token') === authorizedUser.refreshToken;
  }
  if (!ok) {
    send(
      exchange,
      400,
      JSON.stringify({
        error: 'invalid_grant',
        error_description: grant === 'refresh_token' ? 'Bad Request' : 'Invalid JWT Signature.',
      }),
    );
    return;
  }
  const lifetimeInSeconds = mode.options.tokenLifetimeInSeconds ?? 3600;
  mode.issuedCount++;
  const token = `ya29.mock-${mode.tag}-${mode.issuedCount}`;
  mode.issued.set(token, context.now() + lifetimeInSeconds * 1000);
  send(
    exchange,
    200,
    JSON.stringify({ access_token: token, expires_in: lifetimeInSeconds, token_type: 'Bearer' }),
  );
}

function authorized(context: MockContext, mode: VertexMode, authorization: string | undefined): boolean {
  if (authorization === undefined || !authorization.startsWith('Bearer ')) return false;
  const token = authorization.slice('Bearer '.length);
  if (mode.options.accessTokens?.includes(token) === true) return true;
  const expiresAt = mode.issued.get(token);
  return expiresAt !== undefined && context.now() < expiresAt;
}

/** `claude-sonnet-4-5@20250929` → `claude-sonnet-4-5`: the name the Anthropic mode's reply for it carries. */
function anthropicModelOf(vertexModel: string): string {
  return vertexModel.split('@', 1)[0] as string;
}

/** How a stream fault cuts a Vertex stream (the same SSE cuts as the Anthropic mode's). */
function cutOf(fault: Fault | undefined): StreamCut | undefined {
  if (fault?.kind === 'drop-after') return { kind: 'drop', afterEvents: fault.events };
  if (fault?.kind === 'stall-after') return { kind: 'stall', afterEvents: fault.events };
  if (fault?.kind === 'sse-error') {
    const errorType = fault.errorType ?? 'overloaded_error';
    const data = renderErrorEventData(errorType, fault.message ?? defaultErrorMessage(errorType));
    return { kind: 'error', afterEvents: fault.afterEvents, frame: encodeSseEvent('error', data) };
  }
  return undefined;
}

const versionMemberLength = `"anthropic_version":${JSON.stringify(vertexAnthropicVersion)},`.length;

/**
 * Answers rawPredict, streamRawPredict and count-tokens as Claude on Vertex does: the bearer must be a token this
 * mock issued (or a fixed one), else Google's 401 UNAUTHENTICATED; the project and location must be the mock's;
 * the body must carry `anthropic_version: vertex-2023-10-16` and, for a message, no `model` and `stream` as the method
 * says (else the model's own 400). The reply is the Anthropic mode's for the matching Messages request, as JSON or the
 * same SSE bytes (input tokens counted on the Messages body ccb started from).
 */
export function respondVertex(
  context: MockContext,
  mode: VertexMode,
  exchange: Exchange,
  route: VertexRoute,
  body: Buffer,
  fault: Fault | undefined,
): void {
  if (!authorized(context, mode, exchange.request.headers.authorization)) {
    sendGoogle(
      exchange,
      'UNAUTHENTICATED',
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    );
    return;
  }
  if (route.project !== mode.options.project) {
    sendGoogle(
      exchange,
      'PERMISSION_DENIED',
      `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/${route.project}' (or it may not exist).`,
    );
    return;
  }
  if (route.region !== mode.options.region) {
    sendGoogle(exchange, 'NOT_FOUND', `Publisher Model was not found in location ${route.region}.`);
    return;
  }
  const unknownBeta = unknownBetaOf(exchange.request.headers['anthropic-beta'], mode.options.acceptedBetas);
  if (unknownBeta !== undefined) {
    sendAnthropic(exchange, 400, 'invalid_request_error', `invalid beta flag: ${unknownBeta}`);
    return;
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    sendAnthropic(
      exchange,
      400,
      'invalid_request_error',
      'There was an issue with the formatting of your request body: it is not valid JSON.',
    );
    return;
  }
  if (json.anthropic_version !== vertexAnthropicVersion) {
    sendAnthropic(
      exchange,
      400,
      'invalid_request_error',
      `anthropic_version: Input should be '${vertexAnthropicVersion}'`,
    );
    return;
  }
  const { anthropic_version: _version, ...rest } = json;
  if (route.model === 'count-tokens') {
    if (route.streaming || typeof json.model !== 'string') {
      sendAnthropic(exchange, 400, 'invalid_request_error', 'model: Field required');
      return;
    }
    const anthropicModel = anthropicModelOf(json.model);
    const problem = validateMessagesRequest({ ...rest, model: anthropicModel }, false);
    if (problem !== undefined) {
      sendAnthropic(exchange, 400, 'invalid_request_error', problem);
      return;
    }
    const length =
      body.length -
      versionMemberLength -
      JSON.stringify(json.model).length +
      JSON.stringify(anthropicModel).length;
    send(exchange, 200, `{"input_tokens":${estimateInputTokens(length)}}`, 'application/json');
    return;
  }
  if ('model' in json) {
    sendAnthropic(exchange, 400, 'invalid_request_error', 'model: Extra inputs are not permitted');
    return;
  }
  if ((json.stream === true) !== route.streaming) {
    sendAnthropic(
      exchange,
      400,
      'invalid_request_error',
      `stream: must be ${route.streaming} for ${route.streaming ? 'streamRawPredict' : 'rawPredict'}`,
    );
    return;
  }
  const model = anthropicModelOf(route.model);
  const messages: Record<string, unknown> = { model, ...rest };
  // Vertex checks thinking signatures in domain `anthropic`, as the API does (Anthropic documents them valid on both).
  const invalid =
    validateMessagesRequest(messages, true) ??
    checkConversation(messages, { ...conversationRules(context), signatureDomain: 'anthropic' });
  if (invalid !== undefined) {
    sendAnthropic(exchange, 400, 'invalid_request_error', invalid);
    return;
  }
  // The Messages body's length: the version member out, `"model":"…",` in, as compact JSON writes it.
  const length = body.length - versionMemberLength + `"model":${JSON.stringify(model)},`.length;
  const messageId = context.ids.messageId();
  const plan = withThinking(
    planReply(messages, length, context),
    messages,
    { ...context, signatureDomain: 'anthropic' },
    messageId,
  );
  const ids = {
    messageId,
    toolUseId: plan.block.type === 'tool_use' ? newToolUseId(context, plan.block.name) : '',
  };
  if (!route.streaming) {
    send(exchange, 200, renderMessageJson(plan, ids), 'application/json');
    return;
  }
  exchange.response.writeHead(200, [
    'content-type',
    'text/event-stream; charset=utf-8',
    'cache-control',
    'no-cache',
  ]);
  writeEventStream(exchange.response, {
    frames: renderStreamEvents(plan, ids),
    intervalInMs: context.streamIntervalInMs,
    cut: cutOf(fault),
    onServerClose: () => {
      exchange.serverClosed = true;
    },
  });
}

/** The first `anthropic-beta` flag outside `accepted`, `undefined` when all are known or no list is set. */
function unknownBetaOf(
  header: string | string[] | undefined,
  accepted: readonly string[] | undefined,
): string | undefined {
  if (accepted === undefined || header === undefined) return undefined;
  for (const flag of String(header).split(',')) {
    const trimmed = flag.trim();
    if (trimmed !== '' && !accepted.includes(trimmed)) return trimmed;
  }
  return undefined;
}
