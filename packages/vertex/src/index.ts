/** @ccb/vertex: Claude on Google Vertex AI as CC-Balancer speaks it. */
export {
  createVertexAdapter,
  type VertexAdapter,
  type VertexAdapterOptions,
  type VertexAdapterRequest,
  type VertexAttempt,
  vertexBaseUrl,
} from './create-vertex-adapter.js';
export {
  type AuthorizedUserCredentials,
  cloudPlatformScope,
  type GoogleCredentials,
  googleTokenUrl,
  parseGoogleCredentials,
  type ServiceAccountCredentials,
} from './google-credentials.js';
export { type AnthropicErrorMapping, anthropicErrorOfGoogle } from './google-errors.js';
export {
  createGoogleTokenSource,
  type GoogleCredentialsLoader,
  type GoogleTokenSource,
  type GoogleTokenSourceOptions,
  type GoogleTokenStatus,
  type HeaderPair,
  type StaticAccessToken,
} from './google-token-source.js';
export { signJwtAssertion } from './jwt-assertion.js';
export {
  type JwtAssertionCheck,
  type VerifiedAssertion,
  verifyJwtAssertion,
} from './verify-jwt-assertion.js';
export { VertexError, type VertexErrorCode } from './vertex-error.js';
export { vertexModelId } from './vertex-model-ids.js';
export { vertexAnthropicVersion, vertexCountTokensBody, vertexRequestBody } from './vertex-request-body.js';
export {
  type VertexResponseTranslator,
  type VertexTranslatedError,
  vertexErrorAnswer,
  vertexJsonTranslator,
  vertexStreamTranslator,
} from './vertex-response.js';
