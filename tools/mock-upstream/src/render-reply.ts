import type { ReplyPlan } from './reply-plan.js';
import { encodeSseEvent } from './sse-frame.js';

/** Ids a rendered reply needs; `toolUseId` only matters for `tool_use` plans. */
export interface ReplyIds {
  readonly messageId: string;
  readonly toolUseId: string;
}

// The real API sends this exact ping payload, space included (https://platform.claude.com/docs/en/build-with-claude/streaming).
const pingFrame = encodeSseEvent('ping', '{"type": "ping"}');
const messageStopFrame = encodeSseEvent('message_stop', '{"type":"message_stop"}');
const contentBlockStopFrame = encodeSseEvent('content_block_stop', '{"type":"content_block_stop","index":0}');

function usageOf(plan: ReplyPlan, outputTokens: number) {
  const cache = plan.cache;
  return {
    input_tokens: plan.inputTokens,
    cache_creation_input_tokens: cache.creation5mInputTokens + cache.creation1hInputTokens,
    cache_read_input_tokens: cache.readInputTokens,
    cache_creation: {
      ephemeral_5m_input_tokens: cache.creation5mInputTokens,
      ephemeral_1h_input_tokens: cache.creation1hInputTokens,
    },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

function contentBlockOf(plan: ReplyPlan, ids: ReplyIds) {
  const block = plan.block;
  return block.type === 'text'
    ? { type: 'text', text: block.text }
    : { type: 'tool_use', id: ids.toolUseId, name: block.name, input: block.input };
}

function thinkingBlockOf(thinking: NonNullable<ReplyPlan['thinking']>) {
  return thinking.type === 'thinking'
    ? { type: 'thinking', thinking: thinking.text, signature: thinking.signature }
    : { type: 'redacted_thinking', data: thinking.data };
}

/** The events of a leading thinking block at index 0, as the API streams one (its signature last). */
function thinkingEvents(thinking: NonNullable<ReplyPlan['thinking']>): string[] {
  const start = (block: object) =>
    encodeSseEvent(
      'content_block_start',
      JSON.stringify({ type: 'content_block_start', index: 0, content_block: block }),
    );
  const delta = (value: object) =>
    encodeSseEvent(
      'content_block_delta',
      JSON.stringify({ type: 'content_block_delta', index: 0, delta: value }),
    );
  if (thinking.type === 'redacted_thinking') return [start(thinkingBlockOf(thinking)), contentBlockStopFrame];
  return [
    start({ type: 'thinking', thinking: '', signature: '' }),
    ...thinking.chunks.map((chunk) => delta({ type: 'thinking_delta', thinking: chunk })),
    delta({ type: 'signature_delta', signature: thinking.signature }),
    contentBlockStopFrame,
  ];
}

/** The non-streaming Messages response body (protocol §4). */
export function renderMessageJson(plan: ReplyPlan, ids: ReplyIds): string {
  return JSON.stringify({
    id: ids.messageId,
    type: 'message',
    role: 'assistant',
    model: plan.model,
    content:
      plan.thinking === undefined
        ? [contentBlockOf(plan, ids)]
        : [thinkingBlockOf(plan.thinking), contentBlockOf(plan, ids)],
    stop_reason: plan.stopReason,
    stop_sequence: null,
    usage: usageOf(plan, plan.outputTokens),
  });
}

/**
 * The full SSE stream as one string per event, in the API's order: message_start, content_block_start,
 * ping, one content_block_delta per chunk, content_block_stop, message_delta (cumulative usage, with the
 * input and cache counts repeated), message_stop.
 */
export function renderStreamEvents(plan: ReplyPlan, ids: ReplyIds): string[] {
  const block = plan.block;
  // The reply's block follows a thinking block at index 0 when there is one.
  const index = plan.thinking === undefined ? 0 : 1;
  const events: string[] = [
    encodeSseEvent(
      'message_start',
      JSON.stringify({
        type: 'message_start',
        message: {
          id: ids.messageId,
          type: 'message',
          role: 'assistant',
          model: plan.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: usageOf(plan, 1),
        },
      }),
    ),
    ...(plan.thinking === undefined ? [] : thinkingEvents(plan.thinking)),
    encodeSseEvent(
      'content_block_start',
      JSON.stringify({
        type: 'content_block_start',
        index,
        content_block:
          block.type === 'text'
            ? { type: 'text', text: '' }
            : { type: 'tool_use', id: ids.toolUseId, name: block.name, input: {} },
      }),
    ),
    pingFrame,
  ];
  for (const chunk of block.chunks) {
    const delta =
      block.type === 'text'
        ? { type: 'text_delta', text: chunk }
        : { type: 'input_json_delta', partial_json: chunk };
    events.push(
      encodeSseEvent('content_block_delta', JSON.stringify({ type: 'content_block_delta', index, delta })),
    );
  }
  events.push(
    index === 0
      ? contentBlockStopFrame
      : encodeSseEvent('content_block_stop', JSON.stringify({ type: 'content_block_stop', index })),
    encodeSseEvent(
      'message_delta',
      JSON.stringify({
        type: 'message_delta',
        delta: { stop_reason: plan.stopReason, stop_sequence: null },
        usage: {
          input_tokens: plan.inputTokens,
          cache_creation_input_tokens: plan.cache.creation5mInputTokens + plan.cache.creation1hInputTokens,
          cache_read_input_tokens: plan.cache.readInputTokens,
          output_tokens: plan.outputTokens,
        },
      }),
    ),
    messageStopFrame,
  );
  return events;
}
