/** @ccb/bedrock: Claude on Amazon Bedrock as CC-Balancer speaks it. */
export { BedrockError, type BedrockErrorCode } from './bedrock-error.js';
export { type AnthropicErrorMapping, anthropicErrorOf } from './bedrock-errors.js';
export { sseOfBedrockMessage } from './bedrock-sse.js';
export {
  encodeBedrockChunk,
  encodeBedrockException,
  encodeEventStreamMessage,
} from './encode-event-stream.js';
export {
  EventStreamDecoder,
  type EventStreamHeaderValue,
  type EventStreamMessage,
  maxMessageBytes,
} from './event-stream-decoder.js';
