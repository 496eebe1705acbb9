import { encodeBedrockChunk, encodeBedrockException, verifyBedrockSignature } from '@ccb/bedrock';
import type { MockBedrockOptions } from './bedrock-options.js';
import { checkConversation } from './check-conversation.js';
import type { Fault } from './fault.js';
import type { Exchange, MockContext } from './mock-context.js';
import { renderMessageJson, renderStreamEvents } from './render-reply.js';
import { estimateInputTokens, planReply } from './reply-plan.js';
import { conversationRules } from './respond-messages.js';
import { newToolUseId, withThinking } from './thinking-reply.js';
import { validateMessagesRequest } from './validate-request.js';
import { writeEventStream } from './write-event-stream.js';

export type { MockBedrockOptions } from './bedrock-options.js';

/** `/model/{modelId}/invoke`, `…/invoke-with-response-stream` and `…/count-tokens`, after any path prefix. */
const bedrockRoutePattern = /\/model\/([^/]+)\/(invoke|invoke-with-response-stream|count-tokens)$/;
/** A Bedrock model id (`anthropic.claude-sonnet-4-5-20250929-v1:0`, `us.anthropic.…`) without its date and version. */
const bedrockIdPattern = /^(?:[a-z]+\.)?anthropic\.(.+?)(?:-\d{8})?-v\d+:\d+$/;
const anthropicVersion = 'bedrock-2023-05-31';
/** Bedrock's error type URLs, as the `x-amzn-errortype` header carries them after the name. */
const errorTypeSuffix = ':http://internal.amazon.com/coral/com.amazon.bedrock/';

/** The status Bedrock answers each of its errors with. */
const bedrockErrorStatus: Readonly<Record<string, number>> = {
  ThrottlingException: 429,
  ServiceQuotaExceededException: 429,
  ModelNotReadyException: 429,
  ServiceUnavailableException: 503,
  InternalServerException: 500,
  ModelTimeoutException: 408,
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  InvalidSignatureException: 403,
};

/** A Bedrock route of a request path, or `undefined`. */
export function matchBedrockRoute(pathname: string): BedrockRoute | undefined {
  const match = bedrockRoutePattern.exec(pathname);
  if (match === null) return undefined;
  return {
    modelId: decodeURIComponent(match[1] as string),
    streaming: match[2] === 'invoke-with-response-stream',
    counting: match[2] === 'count-tokens',
  };
}

/** One Bedrock call: the model, and InvokeModel, InvokeModelWithResponseStream or CountTokens. */
export interface BedrockRoute {
  readonly modelId: string;
  readonly streaming: boolean;
  readonly counting: boolean;
}

/**
 * A fault making the next request fail as Bedrock fails: `x-amzn-errortype: <name>:…` and `{"message": …}` with
 * Bedrock's status for it (ThrottlingException 429, ValidationException 400, ServiceUnavailableException 503, …).
 */
export function bedrockErrorFault(name: string, message = `${name} from the mock`): Fault {
  return {
    kind: 'status',
    status: bedrockErrorStatus[name] ?? 500,
    headers: { 'x-amzn-errortype': `${name}${errorTypeSuffix}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message }),
  };
}

function sendBedrockError(exchange: Exchange, name: string, message: string): void {
  sendBedrockJson(exchange, bedrockErrorStatus[name] ?? 500, JSON.stringify({ message }), [
    'x-amzn-errortype',
    `${name}${errorTypeSuffix}`,
  ]);
}

/** A whole JSON answer with Bedrock's request id header (and `extra` name/value pairs). */
function sendBedrockJson(
  exchange: Exchange,
  status: number,
  body: string,
  extra: readonly string[] = [],
): void {
  exchange.response.writeHead(status, [
    'x-amzn-requestid',
    exchange.requestId,
    ...extra,
    'content-type',
    'application/json',
    'content-length',
    String(Buffer.byteLength(body)),
  ]);
  exchange.response.end(body);
}

/**
 * Answers an InvokeModel or InvokeModelWithResponseStream call as Bedrock does: SigV4 verified (a bad signature is
 * 403 InvalidSignatureException), the body checked (`anthropic_version`, no `model` or `stream`: else 400
 * ValidationException), and the same reply the Anthropic mode renders for the matching Messages request (the model
 * named without Bedrock's prefix, date and version; input tokens counted on the Messages body ccb started from):
 * JSON, or each SSE event's JSON base64-framed in event-stream `chunk` messages.
 */
export async function respondBedrock(
  context: MockContext,
  exchange: Exchange,
  bedrock: MockBedrockOptions,
  route: BedrockRoute,
  body: Buffer,
  fault: Fault | undefined,
): Promise<void> {
  const request = exchange.request;
  const bearer = bedrock.apiKey !== undefined && request.headers.authorization === `Bearer ${bedrock.apiKey}`;
  const signed =
    bearer ||
    (await verifyBedrockSignature({
      region: bedrock.region,
      accessKeyId: bedrock.accessKeyId,
      secretAccessKey: bedrock.secretAccessKey,
      method: request.method ?? 'POST',
      path: request.url ?? '/',
      headers: request.headers,
      body,
    }).catch(() => false));
  if (exchange.response.destroyed) return;
  if (!signed) {
    sendBedrockError(
      exchange,
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided.',
    );
    return;
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(
      route.counting ? invokeBodyOfCountTokens(body).toString('utf8') : body.toString('utf8'),
    ) as Record<string, unknown>;
  } catch {
    sendBedrockError(
      exchange,
      'ValidationException',
      'Malformed input request, please reformat your input and try again.',
    );
    return;
  }
  const problem =
    json.anthropic_version !== anthropicVersion
      ? `anthropic_version: must be ${anthropicVersion}`
      : 'model' in json || 'stream' in json
        ? 'extraneous key [model/stream] is not permitted'
        : undefined;
  if (problem !== undefined) {
    sendBedrockError(exchange, 'ValidationException', problem);
    return;
  }
  if (bedrock.acceptedBetas !== undefined && hasUnknownBeta(json.anthropic_beta, bedrock.acceptedBetas)) {
    sendBedrockError(exchange, 'ValidationException', 'invalid beta flag');
    return;
  }
  const model = bedrockIdPattern.exec(route.modelId)?.[1] ?? route.modelId;
  const { anthropic_version: version, anthropic_beta: betas, ...rest } = json;
  const messages: Record<string, unknown> = { model, ...rest };
  // Bedrock checks thinking signatures in domain `anthropic`, as the API does (they are valid on both).
  const invalid =
    validateMessagesRequest(messages, true) ??
    checkConversation(messages, { ...conversationRules(context), signatureDomain: 'anthropic' });
  if (invalid !== undefined) {
    sendBedrockError(exchange, 'ValidationException', invalid);
    return;
  }
  if (route.counting) {
    if (/^[a-z]+\.anthropic\./.test(route.modelId)) {
      // CountTokens takes foundation-model ids only.
      sendBedrockError(
        exchange,
        'ValidationException',
        "The provided model doesn't support counting tokens.",
      );
      return;
    }
    // Counted as the Anthropic mode counts a count_tokens body: its length without Bedrock's members, with `model`.
    const { max_tokens: _maxTokens, ...counted } = messages;
    const tokens = estimateInputTokens(Buffer.byteLength(JSON.stringify(counted)));
    sendBedrockJson(exchange, 200, `{"inputTokens":${tokens}}`);
    return;
  }
  // The Messages body's length: Bedrock's members out, `model` (and `stream`) in, as compact JSON writes them.
  let length = body.length - `"anthropic_version":${JSON.stringify(version)},`.length;
  if (betas !== undefined) length -= `"anthropic_beta":${JSON.stringify(betas)},`.length;
  length += `"model":${JSON.stringify(model)},`.length + (route.streaming ? '"stream":true,'.length : 0);
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
    sendBedrockJson(exchange, 200, renderMessageJson(plan, ids));
    return;
  }
  const frames: Buffer[] = [];
  const events = renderStreamEvents(plan, ids);
  // An `sse-error` fault: Bedrock ends the stream with an exception message after that many events.
  const cutAt = fault?.kind === 'sse-error' ? Math.min(fault.afterEvents, events.length) : events.length;
  for (const event of events.slice(0, cutAt)) {
    const data = dataOf(event);
    // Bedrock appends its metrics to message_stop; ccb removes them.
    frames.push(
      encodeBedrockChunk(
        data === '{"type":"message_stop"}'
          ? '{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":1,"outputTokenCount":1,"invocationLatency":1,"firstByteLatency":1}}'
          : data,
      ),
    );
  }
  if (fault?.kind === 'sse-error') {
    frames.push(
      encodeBedrockException(exceptionOf(fault.errorType), fault.message ?? 'exception from the mock'),
    );
  }
  exchange.response.writeHead(200, [
    'x-amzn-requestid',
    exchange.requestId,
    'x-amzn-bedrock-content-type',
    'application/json',
    'content-type',
    'application/vnd.amazon.eventstream',
  ]);
  // Spaced as the Anthropic mode spaces its events (streamIntervalInMs), one frame per write as Bedrock sends them:
  // the bench compares the CPU per stream of both paths, so both must arrive in the same number of pieces.
  if (context.streamIntervalInMs > 0) {
    writeEventStream(exchange.response, {
      frames,
      intervalInMs: context.streamIntervalInMs,
      cut: undefined,
      onServerClose: () => {
        exchange.serverClosed = true;
      },
    });
    return;
  }
  exchange.response.end(Buffer.concat(frames));
}

/** The InvokeModel body inside a CountTokens call (`{"input":{"invokeModel":{"body":"<base64>"}}}`). */
function invokeBodyOfCountTokens(body: Buffer): Buffer {
  const call = JSON.parse(body.toString('utf8')) as { input?: { invokeModel?: { body?: unknown } } };
  const encoded = call.input?.invokeModel?.body;
  if (typeof encoded !== 'string') throw new Error('no input.invokeModel.body');
  return Buffer.from(encoded, 'base64');
}

/** The stream exception Bedrock sends for an Anthropic error type. */
function exceptionOf(errorType: string | undefined): string {
  if (errorType === 'rate_limit_error') return 'throttlingException';
  if (errorType === undefined || errorType === 'overloaded_error') return 'serviceUnavailableException';
  return 'internalServerException';
}

/** The JSON of one rendered SSE event (`event: …\ndata: {…}\n\n`). */
function dataOf(event: string | Buffer): string {
  const text = String(event);
  const start = text.indexOf('data: ') + 'data: '.length;
  return text.slice(start, text.indexOf('\n', start));
}

/** Whether `betas` (the body's `anthropic_beta`) holds a flag outside `accepted`; a value that is no list counts too. */
function hasUnknownBeta(betas: unknown, accepted: readonly string[]): boolean {
  if (betas === undefined) return false;
  if (!Array.isArray(betas)) return true;
  return betas.some((flag) => typeof flag !== 'string' || !accepted.includes(flag));
}
