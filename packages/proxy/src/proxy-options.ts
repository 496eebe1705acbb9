import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnthropicErrorType, RequestRecord } from '@ccb/protocol';
import type { Dispatcher } from 'undici';
import type { KeyFingerprint } from './client-auth.js';
import type { DedupOptions } from './dedup-options.js';
import type { AttemptPlanner, RouteRequest, UpstreamTarget, UpstreamTimeouts } from './ports.js';
import type { SessionDomainsOptions } from './session-domains.js';

/** An upstream and how to connect to it. */
export interface UpstreamEntry {
  readonly target: UpstreamTarget;
  readonly timeouts: UpstreamTimeouts;
}

/** Answers one request itself (health, metrics, admin): the node:http listener signature. */
export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/** Why ccb refuses a request itself, before routing. */
export interface RequestRejection {
  readonly status: number;
  readonly type: AnthropicErrorType;
  readonly message: string;
  /** When the client may come back (ms epoch); sent as `retry-after`, capped like upstream ones. */
  readonly retryAt?: number;
}

/** What a request looks like to `admitRequest`. */
export interface AdmissionRequest {
  /** The id its record (`onRequestEnd`) carries: what the admission holds for the request can be ended there. */
  readonly requestId: string;
  /** Fingerprint of the client's ccb key (`""` without client auth). */
  readonly clientKeyId: string;
  /** The same object the planner is then asked to route. */
  readonly route: RouteRequest;
}

/** The steps of a request the proxy calls back into. Each must not throw (a throw answers the request with a 500). */
export interface ProxyHooks {
  /** Called when an attempt starts and again when it ends, whatever the end (e.g. for in-flight gauges). */
  readonly onAttemptStart?: (provider: string) => void;
  readonly onAttemptEnd?: (provider: string) => void;
  /**
   * Decides whether a request may proceed before any provider is tried (e.g. a client key over its budget).
   * A rejection is answered with its status, type and message, and a `retry-after`. May answer with a promise (a
   * decision shared with other instances); only such a request waits for it. A rejected promise answers a 500.
   */
  readonly admitRequest?: (
    request: AdmissionRequest,
  ) => RequestRejection | undefined | Promise<RequestRejection | undefined>;
  /** Called once per proxied request, after its response ended. */
  readonly onRequestEnd?: (record: RequestRecord) => void;
  /**
   * Called when a request is refused for its client key (401), with the fingerprint of the key it presented
   * (`"none"` when it presented none), never the key. The proxy logs nothing itself: the caller decides how often
   * to say so.
   */
  readonly onClientRejected?: (fingerprint: string, request: IncomingMessage) => void;
}

/** Options of `createProxyHandler`. */
export interface ProxyHandlerOptions extends ProxyHooks {
  readonly upstreams: readonly UpstreamEntry[];
  readonly planner: AttemptPlanner;
  /** Keys clients must present (`x-api-key` or `Authorization: Bearer`); empty = no client auth. */
  readonly clientApiKeys?: readonly string[];
  /**
   * Secrets (provider keys, every configured credential) removed from the upstream error answers relayed to
   * clients, body and headers, so that a provider echoing its key cannot show it to them. Success answers are not
   * scanned. Leave out values too short to be secrets: they would be cut out of ordinary words. Default none.
   */
  readonly redactValues?: readonly string[];
  /**
   * How client keys are fingerprinted for records (`clientKeyId`), admission and `onClientRejected`. Default: an
   * HMAC with a random secret of this handler (kept across `reconfigure`), so fingerprints change at every start; pass
   * `createKeyFingerprint(secret)` with a kept secret for ids that last (a ledger, budgets).
   */
  readonly keyFingerprint?: KeyFingerprint;
  /** Distinct providers tried per request. Default 3. */
  readonly maxAttempts?: number;
  /** Request body limit in bytes. Default 32 MiB, the API's own limit. */
  readonly bodyLimitInBytes?: number;
  /**
   * Longest silence while a request body is read, in ms: per gap, not in total, so a slow but steady upload of a
   * large body is never cut. A body silent for longer gets a 408 and its connection closes (within half this time
   * more: one sweep watches every body). Default 30 000; 0: none.
   */
  readonly bodyTimeoutInMs?: number;
  /**
   * Bytes all request bodies may take at once, from their first byte (a declared `content-length` at once) until
   * their response closes (bodies are kept whole for failover replay). A body that would exceed it gets a 503
   * `overloaded_error` with `retry-after` and is not read. Default 512 MiB.
   */
  readonly maxBodyMemoryInBytes?: number;
  /** How long a stream may show no content before ccb gives up on it (the commit gate). Default 30 000 ms. */
  readonly firstContentTimeoutInMs?: number;
  /** Largest `retry-after` passed to the client, in seconds. Default 5. */
  readonly maxRetryAfterInSeconds?: number;
  /**
   * Keep up to this many bytes of each request and response body on the record, for debug logging. Default 0:
   * bodies never leave the hot path.
   */
  readonly captureBodiesInBytes?: number;
  /**
   * The address or name the server listens on (`createProxyServer` listens there). Requests whose `Host` names it
   * are accepted, as are the loopback names (`localhost`, `127.0.0.1`, `[::1]`) and `allowedHosts`; any other
   * `Host` is answered 421 (DNS rebinding). Default `127.0.0.1`. Fixed for the handler's life (`reconfigure` cannot
   * move a listening server).
   */
  readonly host?: string;
  /**
   * More names clients reach ccb by, for the `Host` check: `name` (any port) or `name:port` (that port only); host
   * names, IPv4 or `[IPv6]` addresses, case-insensitive. Default none.
   */
  readonly allowedHosts?: readonly string[];
  /**
   * Web origins whose pages may call ccb (`https://app.example.com`: scheme, host and port as browsers send them in
   * `Origin`; no wildcard). They get CORS headers and their preflights are answered. Default none: every request
   * carrying `Origin` is refused (403).
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Routes forwarded beyond the Anthropic API's (`@ccb/protocol`'s `anthropicApiRoutes`), each `"METHOD /v1/path"`
   * where a `*` segment is any one segment: `"GET /v1/organizations/*"`. Every other `/v1/` path is a 404, every
   * other method a 405. Default none.
   */
  readonly extraApiRoutes?: readonly string[];
  /**
   * The undici dispatcher for an upstream; default: one keep-alive `Pool` per upstream. A `reconfigure` keeps an
   * upstream's dispatcher while its name, `origin` and `timeouts.connectInMs` are unchanged (the first-byte and
   * stream-idle timeouts go with each request), so build it from those alone. Fixed for the handler's life. A
   * stream's body is dispatched as a one-shot iterable (undici would hold a buffer until the stream ends): an
   * interceptor that sends the same options again finds it used.
   */
  readonly createDispatcher?: (entry: UpstreamEntry) => Dispatcher;
  /**
   * Answers every request outside `/v1/` (health, metrics, admin: the CLI's routes, not the proxy's). Default: a
   * 404 in Anthropic's error shape.
   */
  readonly otherRequests?: RequestListener;
  /**
   * Request deduplication: identical requests (same client key, method, path, `anthropic-version`,
   * `anthropic-beta` and body, under the same settings) share one upstream call. Default: off, and no request pays
   * anything for it.
   */
  readonly dedup?: DedupOptions;
  /**
   * Bounds of the session record that keeps sessions valid across thinking-signature domains (docs/session-repair.md):
   * used only while the upstreams span more than one domain (`UpstreamTarget.capabilities.signatureDomain`). Fixed
   * for the handler's life. Defaults: 24 h after a session's last use, 10 000 sessions, 100 000 signatures.
   */
  readonly sessionRepair?: SessionDomainsOptions;
}
