/** @ccb/mock-upstream: a fault-injecting mock of the Anthropic Messages API on a real HTTP server. */
export { bedrockErrorFault, type MockBedrockOptions } from './bedrock-mode.js';
export { createMockUpstream } from './create-mock-upstream.js';
export type { Fault, FaultKind } from './fault.js';
export { parseFault } from './fault.js';
export type { MockModel } from './mock-models.js';
export { mockModels } from './mock-models.js';
export type {
  MockOAuth,
  MockOAuthAccount,
  MockOAuthOptions,
  MockOAuthTokens,
  TokenRequestRecord,
  UnifiedUsage,
  UnifiedWindow,
  UnifiedWindowUpdate,
} from './mock-oauth.js';
export type {
  MockOAuthUpstream,
  MockUpstream,
  MockUpstreamOptions,
  RecordedRequest,
} from './mock-upstream.js';
export type { MockUpstreamErrorCode } from './mock-upstream-error.js';
export { MockUpstreamError } from './mock-upstream-error.js';
export { pkceChallenge } from './pkce-challenge.js';
export type { PromptCacheOptions, PromptCacheStats } from './prompt-cache.js';
export { startMockUpstreams } from './start-mock-upstreams.js';
export { type MockVertex, type MockVertexOptions, vertexErrorFault } from './vertex-mode.js';
