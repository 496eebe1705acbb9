import { type Config, configSecrets } from '@ccb/config';
import type {
  AttemptPlanner,
  KeyFingerprint,
  ProxySettings,
  RequestListener,
  UpstreamEntry,
} from '@ccb/proxy';
import { minRedactedLength } from '@ccb/telemetry';

/** What the proxy's settings are made of beyond the configuration. */
export interface ProxyParts {
  readonly upstreams: readonly UpstreamEntry[];
  readonly planner: AttemptPlanner;
  readonly keyFingerprint: KeyFingerprint;
  readonly otherRequests: RequestListener;
}

/** The proxy's reloadable settings from the configuration. */
export function proxySettings(config: Config, parts: ProxyParts): ProxySettings {
  const server = config.server;
  return {
    allowedHosts: server.allowed_hosts,
    corsOrigins: server.cors_origins,
    extraApiRoutes: server.extra_api_routes,
    upstreams: parts.upstreams,
    planner: parts.planner,
    clientApiKeys: config.auth.api_keys,
    // A provider echoing its key in an error must not show it to clients; values too short to be secrets would be
    // cut out of ordinary words (serve warns about them).
    redactValues: configSecrets(config).filter((secret) => secret.length >= minRedactedLength),
    keyFingerprint: parts.keyFingerprint,
    maxAttempts: config.routing.max_attempts,
    bodyLimitInBytes: server.body_limit,
    bodyTimeoutInMs: server.body_timeout,
    maxBodyMemoryInBytes: server.max_body_memory,
    firstContentTimeoutInMs: config.routing.first_content_timeout,
    captureBodiesInBytes:
      server.log_bodies && (server.log_level === 'debug' || server.log_level === 'trace') ? 64 * 1024 : 0,
    otherRequests: parts.otherRequests,
    dedup: {
      countTokens: config.dedup.count_tokens,
      models: config.dedup.models,
      cacheTtlInMs: config.dedup.count_tokens_ttl,
      messages: config.dedup.messages,
      maxReplayInBytes: config.dedup.max_replay_bytes,
      retryGraceInMs: config.dedup.retry_grace,
    },
  };
}

/** The listening server's connection limits from `server:`. */
export function serverLimits(config: Config) {
  const server = config.server;
  return {
    headersTimeoutInMs: server.headers_timeout,
    idleTimeoutInMs: server.idle_timeout,
    maxConnectionsPerClient: server.max_connections_per_client,
    shutdownGraceInMs: server.shutdown_grace,
  };
}
