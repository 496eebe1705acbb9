import { describe, expect, it } from 'vitest';
import { anthropicErrorOf } from './bedrock-errors.js';
import { sseOfBedrockMessage } from './bedrock-sse.js';
import {
  encodeBedrockChunk,
  encodeBedrockException,
  encodeEventStreamMessage,
} from './encode-event-stream.js';
import { EventStreamDecoder } from './event-stream-decoder.js';

const sseOf = (frame: Buffer) => {
  const [message] = new EventStreamDecoder().push(frame);
  if (message === undefined) throw new Error('no message');
  return sseOfBedrockMessage(message)?.toString();
};

describe('sseOfBedrockMessage', () => {
  it('relays each event’s JSON bytes as Anthropic’s SSE frame, key order and spacing untouched', () => {
    const event =
      '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hé \\"there\\""}}';
    expect(sseOf(encodeBedrockChunk(event))).toBe(`event: content_block_delta\ndata: ${event}\n\n`);
  });

  it('drops the invocation metrics Bedrock appends to message_stop, and only those', () => {
    const stop =
      '{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":12,"outputTokenCount":5,"invocationLatency":420,"firstByteLatency":300}}';
    expect(sseOf(encodeBedrockChunk(stop))).toBe('event: message_stop\ndata: {"type":"message_stop"}\n\n');
    expect(sseOf(encodeBedrockChunk('{"type":"message_stop"}'))).toBe(
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
  });

  it('finds the type of an event that does not start with it', () => {
    expect(sseOf(encodeBedrockChunk('{ "index": 1, "type": "content_block_stop" }'))).toBe(
      'event: content_block_stop\ndata: { "index": 1, "type": "content_block_stop" }\n\n',
    );
  });

  it('turns exceptions into Anthropic error events a client already handles', () => {
    expect(sseOf(encodeBedrockException('throttlingException', 'Too many tokens, please wait.'))).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"Too many tokens, please wait."}}\n\n',
    );
    expect(sseOf(encodeBedrockException('serviceUnavailableException', ''))).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"serviceUnavailableException"}}\n\n',
    );
  });

  it('ignores event types it does not know and refuses a chunk without bytes', () => {
    const unknown = encodeEventStreamMessage(
      { ':message-type': 'event', ':event-type': 'metadata' },
      Buffer.from('{}'),
    );
    expect(sseOf(unknown)).toBeUndefined();
    const empty = encodeEventStreamMessage(
      { ':message-type': 'event', ':event-type': 'chunk' },
      Buffer.from('{}'),
    );
    expect(() => sseOf(empty)).toThrow('invalid Bedrock stream chunk: a chunk without bytes');
  });
});

describe('anthropicErrorOf', () => {
  it('maps Bedrock’s error names, from either spelling, to the status and type clients retry on', () => {
    expect(
      anthropicErrorOf('ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/'),
    ).toEqual({
      status: 429,
      type: 'rate_limit_error',
    });
    expect(anthropicErrorOf('modelNotReadyException')).toEqual({ status: 529, type: 'overloaded_error' });
    expect(anthropicErrorOf('ValidationException')).toEqual({ status: 400, type: 'invalid_request_error' });
    expect(anthropicErrorOf('AccessDeniedException')).toEqual({ status: 403, type: 'permission_error' });
    expect(anthropicErrorOf('SomethingNew')).toEqual({ status: 500, type: 'api_error' });
  });
});
