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
  let type = typeOf(event);
  if (type !== undefined && (type !== sseEvents.messageStop || !event.includes(invocationMetricsKey))) {
    // The usual case: the event's bytes as Bedrock carried them, behind a prefix made once per event type.
    return Buffer.concat([ssePrefix(type), event, sseEnd]);
  }
  const parsed = parseObject(event.toString('utf8'));
  type = typeof parsed.type === 'string' ? parsed.type : undefined;
  if (type === undefined) throw chunkInvalid('an event without a type');
  if (type !== sseEvents.messageStop || !(invocationMetricsKey in parsed)) {
    return Buffer.concat([ssePrefix(type), event, sseEnd]);
  }
  delete parsed[invocationMetricsKey];
  return Buffer.concat([ssePrefix(type), Buffer.from(JSON.stringify(parsed)), sseEnd]);
}

const sseEnd = Buffer.from('\n\n');
const typePrefixBytes = Buffer.from(typePrefix);
/** `event: <type>\ndata: ` by event type: a stream has a handful of types, each prefix is made once. */
const prefixes = new Map<string, Buffer>();

function ssePrefix(type: string): Buffer {
  let prefix = prefixes.get(type);
  if (prefix === undefined) {
    prefix = Buffer.from(`event: ${type}\ndata: `);
    // Bounded: only a misbehaving upstream names more types than the API has.
    if (prefixes.size < 64) prefixes.set(type, prefix);
  }
  return prefix;
}

/** The event's `type` when its JSON starts with it, as every Anthropic event's does; `undefined` otherwise. */
function typeOf(event: Buffer): string | undefined {
  if (
    event.length <= typePrefixBytes.length ||
    event.compare(typePrefixBytes, 0, typePrefixBytes.length, 0, typePrefixBytes.length) !== 0
  ) {
    return undefined;
  }
  const end = event.indexOf(0x22, typePrefixBytes.length);
  return end > typePrefixBytes.length ? event.toString('latin1', typePrefixBytes.length, end) : undefined;
}

/** Where a chunk's `{"bytes":"<base64>"}` keeps its base64, found without parsing the payload. */
const bytesKey = Buffer.from('"bytes":"');

/** The Anthropic event JSON a chunk carries, decoded from its base64 `bytes`. */
function chunkEvent(payload: Buffer): Buffer {
  const start = payload.indexOf(bytesKey);
  if (start !== -1) {
    const from = start + bytesKey.length;
    // Base64 holds no quote or backslash: the next quote ends the value.
    const end = payload.indexOf(0x22, from);
    if (end !== -1) return Buffer.from(payload.toString('latin1', from, end), 'base64');
  }
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
