/** @ccb/bedrock: Claude on Amazon Bedrock as CC-Balancer speaks it. */
export {
  bedrockCountTokensBody,
  bedrockCountTokensTranslator,
  countTokensModelId,
} from './bedrock-count-tokens.js';
export { BedrockError, type BedrockErrorCode } from './bedrock-error.js';
export { type AnthropicErrorMapping, anthropicErrorOf } from './bedrock-errors.js';
export { bedrockModelId } from './bedrock-model-ids.js';
export { bedrockAnthropicVersion, bedrockRequestBody } from './bedrock-request-body.js';
export {
  type BedrockResponseTranslator,
  BedrockStreamTranslator,
  type BedrockTranslatedError,
  bedrockErrorAnswer,
  bedrockJsonTranslator,
} from './bedrock-response.js';
export { sseOfBedrockMessage } from './bedrock-sse.js';
export {
  type BedrockAccessKeys,
  type BedrockAdapter,
  type BedrockAdapterOptions,
  type BedrockAdapterRequest,
  type BedrockApiKey,
  type BedrockAttempt,
  createBedrockAdapter,
} from './create-bedrock-adapter.js';
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
export { type BedrockSignatureCheck, verifyBedrockSignature } from './verify-bedrock-signature.js';
