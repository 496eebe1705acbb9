/** @ccb/proxy: a node:http server forwarding the Anthropic API to upstreams, with streaming and invisible failover. */
// The shared types the proxy's own API speaks in (the planner's outcomes, the records), for its users' convenience.
export type { AttemptOutcome, AttemptRecord, FailureKind, RequestRecord, Usage } from '@ccb/protocol';
export {
  type ClientAuth,
  createClientAuth,
  createKeyFingerprint,
  createProcessKeyFingerprint,
  type KeyFingerprint,
  missingKeyFingerprint,
} from './client-auth.js';
export type { ClientResponse } from './client-response.js';
export { createProxyHandler, type ProxyHandler } from './create-proxy-handler.js';
export {
  createProxyServer,
  type ProxyServer,
  type ProxyServerOptions,
  type ProxyServerSettings,
} from './create-proxy-server.js';
export {
  type DedupOptions,
  maxCachedAnswerBytes,
  maxCachedAnswers,
  maxReplayMemoryInBytes,
} from './dedup-options.js';
export type {
  AdaptedAttempt,
  AdapterRequest,
  AttemptPlanner,
  HeaderPair,
  ResponseTranslator,
  RoutePlan,
  RouteRequest,
  TranslatedError,
  UpstreamAdapter,
  UpstreamTarget,
  UpstreamTimeouts,
} from './ports.js';
export { ProxyError, type ProxyErrorCode } from './proxy-error.js';
export type {
  AdmissionRequest,
  ProxyHandlerOptions,
  ProxyHooks,
  RequestListener,
  RequestRejection,
  UpstreamEntry,
} from './proxy-options.js';
export type { ProxySettings, Reconfigured } from './proxy-settings.js';
export {
  closeWithError,
  discardLimitInBytes,
  discardRequestBody,
  refuseRequest,
} from './refuse-request.js';
export { type ErrorOptions, sendError } from './send-error.js';
