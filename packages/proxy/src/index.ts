/** The CC-Balancer proxy core: a node:http server forwarding the Anthropic API to upstreams with failover. */
export { type ClientAuth, createClientAuth, keyFingerprint } from './client-auth.js';
export {
  createProxyHandler,
  type ProxyHandler,
  type ProxyHandlerOptions,
  type RequestRejection,
  type RouteHandler,
  type UpstreamEntry,
} from './create-proxy-handler.js';
export { createProxyServer, type ProxyServer, type ProxyServerOptions } from './create-proxy-server.js';
export { isAccountProblem, isProviderFailureStatus } from './failover-policy.js';
export { filterResponseHeaders, readClientHeaders } from './hop-by-hop.js';
export type {
  AttemptOutcome,
  AttemptPlanner,
  FailureKind,
  HeaderPair,
  RoutePlan,
  RouteRequest,
  UpstreamTarget,
  UpstreamTimeouts,
} from './ports.js';
export { ProxyError, type ProxyErrorCode } from './proxy-error.js';
export type { AttemptRecord, RequestRecord } from './request-record.js';
export { type AnthropicErrorType, anthropicErrorBody, type ErrorOptions, sendError } from './send-error.js';
export { SseObserver } from './sse-observer.js';
export { classifyTransportError, type TransportFailure } from './transport-failure.js';
export { emptyUsage, mergeUsage, type Usage } from './usage.js';
