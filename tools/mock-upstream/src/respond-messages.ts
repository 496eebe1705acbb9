import { checkConversation } from './check-conversation.js';
import type { Exchange, MockContext } from './mock-context.js';
import { sendBody, sendError, writeStreamHead } from './mock-context.js';
import { readJson } from './read-json.js';
import { renderMessageJson, renderStreamEvents } from './render-reply.js';
import { estimateInputTokens, planReply } from './reply-plan.js';
import { scanModel } from './scan-request-body.js';
import { newToolUseId, withThinking } from './thinking-reply.js';
import { validateMessagesRequest } from './validate-request.js';
import { type StreamCut, writeEventStream } from './write-event-stream.js';

/** A request to an API route, read once by the dispatcher (internal). */
export interface ApiCall {
  readonly body: Buffer;
  /** The parsed body; undefined in lean mode, for an empty body, or when `jsonInvalid`. */
  readonly json: unknown;
  readonly jsonInvalid: boolean;
  readonly streaming: boolean;
}

/** How this request's stream is paced and possibly cut short by a fault. */
export interface StreamShape {
  readonly intervalInMs: number;
  readonly cut: StreamCut | undefined;
}

const invalidJsonMessage =
  'There was an issue with the formatting of your request body: it is not valid JSON.';

function streamFrames(
  context: MockContext,
  exchange: Exchange,
  frames: readonly (string | Buffer)[],
  shape: StreamShape,
): void {
  writeStreamHead(context, exchange);
  writeEventStream(exchange.response, {
    frames,
    intervalInMs: shape.intervalInMs,
    cut: shape.cut,
    onServerClose: () => {
      exchange.serverClosed = true;
    },
  });
}

function respondLean(
  context: MockContext,
  exchange: Exchange,
  call: ApiCall,
  model: string,
  shape: StreamShape,
): void {
  const reply = (context.leanReplies as NonNullable<MockContext['leanReplies']>).get(model);
  const messageId = context.ids.messageId();
  const inputTokens = estimateInputTokens(call.body.length);
  if (!call.streaming) {
    sendBody(context, exchange, 200, reply.json.fill(messageId, inputTokens));
    return;
  }
  if (shape.cut === undefined && shape.intervalInMs === 0) {
    // Nothing needs per-event timing: one write for the whole stream.
    writeStreamHead(context, exchange);
    exchange.response.end(reply.stream.fill(messageId, inputTokens));
    return;
  }
  streamFrames(
    context,
    exchange,
    reply.streamEvents.map((template) => template.fill(messageId, inputTokens)),
    shape,
  );
}

/** `POST /v1/messages`: validates like the API, then answers JSON or SSE (lean mode: precomputed bytes). */
export function respondMessages(
  context: MockContext,
  exchange: Exchange,
  call: ApiCall,
  shape: StreamShape,
): void {
  if (context.lean) {
    const model = scanModel(call.body);
    if (model !== undefined) {
      respondLean(context, exchange, call, model, shape);
      return;
    }
  }
  // Lean mode gets here only when the scan found no model: parse once to give the precise 400.
  const { json, jsonInvalid } = context.lean ? readJson(call.body) : call;
  if (jsonInvalid) {
    sendError(context, exchange, 400, 'invalid_request_error', invalidJsonMessage);
    return;
  }
  const problem =
    validateMessagesRequest(json, true) ??
    checkConversation(json as Record<string, unknown>, conversationRules(context));
  if (problem !== undefined) {
    sendError(context, exchange, 400, 'invalid_request_error', problem);
    return;
  }
  const body = json as Record<string, unknown>;
  const messageId = context.ids.messageId();
  let plan = withThinking(planReply(body, call.body.length, context), body, context, messageId);
  if (context.promptCache !== undefined) {
    const usage = context.promptCache.account(body, plan.inputTokens);
    plan = { ...plan, inputTokens: usage.inputTokens, cache: usage.cache };
  }
  const ids = {
    messageId,
    toolUseId: plan.block.type === 'tool_use' ? newToolUseId(context, plan.block.name) : '',
  };
  if (call.streaming) {
    streamFrames(context, exchange, renderStreamEvents(plan, ids), shape);
  } else {
    sendBody(context, exchange, 200, renderMessageJson(plan, ids));
  }
}

/** `POST /v1/messages/count_tokens`: `{"input_tokens":N}` with N from the request size, as in Messages replies. */
export function respondCountTokens(context: MockContext, exchange: Exchange, call: ApiCall): void {
  if (!context.lean) {
    if (call.jsonInvalid) {
      sendError(context, exchange, 400, 'invalid_request_error', invalidJsonMessage);
      return;
    }
    const problem = validateMessagesRequest(call.json, false);
    if (problem !== undefined) {
      sendError(context, exchange, 400, 'invalid_request_error', problem);
      return;
    }
  }
  sendBody(context, exchange, 200, `{"input_tokens":${estimateInputTokens(call.body.length)}}`);
}

/** How this mock judges a conversation's history: its signature domain, and Anthropic's id rule unless it mints others. */
export function conversationRules(context: MockContext): { signatureDomain: string; strictToolIds: boolean } {
  return { signatureDomain: context.signatureDomain, strictToolIds: context.toolIdStyle === 'anthropic' };
}
