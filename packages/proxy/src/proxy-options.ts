import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnthropicErrorType, RequestRecord } from '@ccb/protocol';
import type { Dispatcher } from 'undici';
import type { AttemptPlanner, RouteRequest, UpstreamTarget, UpstreamTimeouts } from './ports.js';

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
  /** Fingerprint of the client's ccb key (`""` without client auth). */
  readonly clientKeyId: string;
  readonly route: RouteRequest;
}

/** The steps of a request the proxy calls back into. Each must not throw (a throw answers the request with a 500). */
export interface ProxyHooks {
  /** Called when an attempt starts and again when it ends, whatever the end (e.g. for in-flight gauges). */
  readonly onAttemptStart?: (provider: string) => void;
  readonly onAttemptEnd?: (provider: string) => void;
  /**
   * Decides whether a request may proceed before any provider is tried (e.g. a client key over its budget).
   * A rejection is answered with its status, type and message, and a `retry-after`.
   */
  readonly admitRequest?: (request: AdmissionRequest) => RequestRejection | undefined;
  /** Called once per proxied request, after its response ended. */
  readonly onRequestEnd?: (record: RequestRecord) => void;
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
  /** Distinct providers tried per request. Default 3. */
  readonly maxAttempts?: number;
  /** Request body limit in bytes. Default 32 MiB, the API's own limit. */
  readonly bodyLimitInBytes?: number;
  /** How long a stream may show no content before ccb gives up on it (the commit gate). Default 30 000 ms. */
  readonly firstContentTimeoutInMs?: number;
  /** Largest `retry-after` passed to the client, in seconds. Default 5. */
  readonly maxRetryAfterInSeconds?: number;
  /**
   * Keep up to this many bytes of each request and response body on the record, for debug logging. Default 0:
   * bodies never leave the hot path.
   */
  readonly captureBodiesInBytes?: number;
  /** The undici dispatcher for an upstream; default: one keep-alive `Pool` per upstream. */
  readonly createDispatcher?: (entry: UpstreamEntry) => Dispatcher;
  /**
   * Answers every request outside `/v1/` (health, metrics, admin: the CLI's routes, not the proxy's). Default: a
   * 404 in Anthropic's error shape.
   */
  readonly otherRequests?: RequestListener;
}
