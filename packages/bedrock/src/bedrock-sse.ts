import { sseErrorEvent, sseEvents } from '@ccb/protocol';
import { BedrockError } from './bedrock-error.js';
import { anthropicErrorOf } from './bedrock-errors.js';
import type { EventStreamMessage } from './event-stream-decoder.js';

/** What Bedrock appends to `message_stop` and Anthropic does not send. */
const invocationMetricsKey = 'amazon-bedrock-invocationMetrics';
/** Every Anthropic stream event's JSON begins so: the event name is read without parsing the event. */
const typePrefix = '{"type":"';

/**
 * The Anthropic SSE bytes of one Bedrock event-stream message: a `chunk` event becomes `event: <type>` with the
 * event's own JSON bytes as Bedrock carried them (so the client receives what the first-party API would have sent),
 * except `message_stop`, which loses Bedrock's invocation metrics; an exception or error message becomes Anthropic's
 * `error` event. `undefined` for a message with nothing to relay (an unknown event type).
 * @throws {BedrockError} `CCB_BEDROCK_CHUNK_INVALID` for a chunk whose payload is not Bedrock's `{"bytes": …}`.
 */
export function sseOfBedrockMessage(message: EventStreamMessage): Buffer | undefined {
  const messageType = message.headers[':message-type'];
  if (messageType === 'exception') {
    const exceptionType = String(message.headers[':exception-type'] ?? 'internalServerException');
    return sseErrorEvent(anthropicErrorOf(exceptionType).type, readMessage(message.payload, exceptionType));
  }
  if (messageType === 'error') {
    const code = String(message.headers[':error-code'] ?? 'InternalServerException');
    return sseErrorEvent(anthropicErrorOf(code).type, String(message.headers[':error-message'] ?? code));
  }
  if (message.headers[':event-type'] !== 'chunk') return undefined;
  const event = chunkEvent(message.payload);
  const text = event.toString('utf8');
  let type: string | undefined;
  if (text.startsWith(typePrefix)) {
    const end = text.indexOf('"', typePrefix.length);
    if (end > typePrefix.length) type = text.slice(typePrefix.length, end);
  }
  let data = text;
  if (type === undefined || (type === sseEvents.messageStop && text.includes(invocationMetricsKey))) {
    const parsed = parseObject(text);
    type = typeof parsed.type === 'string' ? parsed.type : undefined;
    if (type === undefined) throw chunkInvalid('an event without a type');
    if (type === sseEvents.messageStop) {
      delete parsed[invocationMetricsKey];
      data = JSON.stringify(parsed);
    }
  }
  return Buffer.from(`event: ${type}\ndata: ${data}\n\n`);
}

/** The Anthropic event JSON a chunk carries, decoded from its base64 `bytes`. */
function chunkEvent(payload: Buffer): Buffer {
  const outer = parseObject(payload.toString('utf8'));
  if (typeof outer.bytes !== 'string') throw chunkInvalid('a chunk without bytes');
  return Buffer.from(outer.bytes, 'base64');
}

function parseObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw chunkInvalid('a payload that is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw chunkInvalid('a payload that is not a JSON object');
  }
  return value as Record<string, unknown>;
}

/** An exception's `{"message": …}`, or its type when it has none. */
function readMessage(payload: Buffer, fallback: string): string {
  try {
    const parsed = JSON.parse(payload.toString('utf8')) as { message?: unknown; Message?: unknown };
    const message = parsed.message ?? parsed.Message;
    if (typeof message === 'string' && message !== '') return message;
  } catch {}
  return fallback;
}

function chunkInvalid(what: string): BedrockError {
  return new BedrockError('CCB_BEDROCK_CHUNK_INVALID', `invalid Bedrock stream chunk: ${what}`);
}
