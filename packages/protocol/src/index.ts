/** @ccb/protocol: the Anthropic Messages API as the ccb libraries share it. Wire shapes, model ids, one body scanner. */

export { readInScanArea, simdAfterBytes } from './_container-end.js';
export {
  type ApiRoute,
  type ApiRoutePattern,
  type ApiRouteProblem,
  anthropicApiRoutes,
  countTokensPath,
  forwardableMethods,
  matchesApiRoutePath,
  messagesPath,
  parseApiRoutePattern,
} from './api-routes.js';
export { type ApiSurface, apiSurfaceOf, judgesCredentials } from './api-surface.js';
export type { AttemptOutcome, FailureKind } from './attempt-outcome.js';
export {
  classifyResponse,
  isAccountProblem,
  isProviderFailureStatus,
  isRenewableCredentialRefusal,
  isSpendLimit,
  type UpstreamResponse,
} from './classify-response.js';
export {
  type AnthropicErrorType,
  anthropicErrorBody,
  type ErrorBody,
  errorTypeForStatus,
  isAnthropicErrorBody,
  maxReadableErrorBytes,
  readErrorBody,
} from './error-body.js';
export { headerValue, type ResponseHeaders, sessionIdHeader, upstreamRequestIdHeader } from './headers.js';
export { compileModelGlob, compileModelGlobs, type ModelMatcher } from './model-glob.js';
export {
  isPlainClaudeModelId,
  type ModelFamily,
  type ModelId,
  modelFamilies,
  parseModelId,
} from './model-id.js';
export { anthropicSnapshotId } from './model-snapshots.js';
export { anthropicApiBaseUrl, claudeOAuth } from './oauth.js';
export {
  anthropicCacheControlLimit,
  anthropicSignatureDomain,
  anthropicToolIdPattern,
  capabilitiesOfKind,
  cloudBetas,
  context1mBeta,
  contextManagementBeta,
  type ProviderCapabilities,
  type ProviderKind,
  serverToolNames,
} from './provider-capabilities.js';
export {
  type BudgetReading,
  type BudgetReadings,
  noRateLimitHeaders,
  type RateLimitHeaders,
  readRateLimitHeaders,
  readRetryAfter,
  type UnifiedReading,
  type UnifiedWindowReading,
} from './rate-limit-headers.js';
export { removeMembers } from './remove-members.js';
export { replaceSpan } from './replace-span.js';
export {
  hasCapabilityGaps,
  missingCapability,
  type RequestNeeds,
  standardContextWindowInTokens,
} from './request-needs.js';
export type { AttemptRecord, RequestRecord, SessionRepairReport } from './request-record.js';
export {
  elementSpans,
  firstElement,
  isTrue,
  maxNestingDepth,
  numberAt,
  parseSpan,
  type Span,
  scanTopLevel,
  TopLevelKeys,
  TopLevelSpans,
} from './scan-json.js';
export { eventsBeforeContent, sseErrorEvent, sseEvents } from './sse-events.js';
export {
  emptyUsage,
  estimateTokens,
  mergeUsage,
  readResponseUsage,
  readUsage,
  type Usage,
} from './usage.js';
export { withoutMembersNamed } from './without-members-named.js';
