import type { IncomingMessage } from 'node:http';
import type { RequestRecord, Span } from '@ccb/protocol';
import type { InProgressEntry, InProgressList } from './_in-progress-list.js';
import type { ClientResponse } from './client-response.js';
import type { ClientHeaders } from './hop-by-hop.js';
import type { AttemptPlanner, RouteRequest } from './ports.js';
import type { ProxyHooks } from './proxy-options.js';
import type { RelayedErrorScrubber } from './relayed-error-scrubber.js';
import type { RequestBody } from './request-body.js';
import type { SessionRepair } from './session-repair.js';
import type { Upstream } from './upstream.js';

/**
 * The handler's settings, as every exchange reads them. The handler builds one at its creation and one at each
 * `reconfigure`; every request started while one is current shares it to its end: the hot path allocates nothing
 * for it.
 */
export interface ExchangeContext {
  /** By provider name. */
  readonly upstreams: ReadonlyMap<string, Upstream>;
  /** Some upstream lacks a capability a request may need: only then does a request's body say what it needs. */
  readonly capabilityGaps: boolean;
  readonly planner: AttemptPlanner;
  /** Distinct providers tried per request. */
  readonly maxAttempts: number;
  /** Bound of the stream commit gate in ms. */
  readonly firstContentTimeoutInMs: number;
  /** Largest `retry-after` (seconds) passed to the client. */
  readonly maxRetryAfterInSeconds: number;
  /** Keep up to this many bytes of each request and response body on the record (0: none). */
  readonly captureBodiesInBytes: number;
  /** Removes configured secrets from the upstream error answers relayed to clients; `undefined`: none configured. */
  readonly relayedErrors: RelayedErrorScrubber | undefined;
  /** The `via` entry this instance adds upstream (`1.1 ccb-…`). */
  readonly viaValue: string;
  /** The handler's options object itself, not copies of its hooks: each hook is read from it and called on it. */
  readonly hooks: ProxyHooks;
  /**
   * The exchanges in progress (of every snapshot: the handler's one list), so that a shutdown past its grace period
   * can end each one properly.
   */
  readonly inProgress: InProgressList<ShutdownTarget>;
  /**
   * Session repair across signature domains (docs/session-repair.md); `undefined` while every provider shares one
   * domain, and no request pays anything for it.
   */
  readonly sessionRepair: SessionRepair | undefined;
}

/** An exchange as a shutdown sees it. */
export interface ShutdownTarget extends InProgressEntry {
  /** Ends the exchange now: a stream with an SSE `error` event, an unanswered request with a 503. */
  shutDown(): void;
  /** Resolves once the client's response is over (finished or closed). */
  closed(): Promise<void>;
}

/** One client request, read and admitted: what its exchange starts from. */
export interface ExchangeInit {
  readonly request: IncomingMessage;
  /** The client's response, or the shared response of a deduplicated call that answers several clients. */
  readonly response: ClientResponse;
  readonly headers: ClientHeaders;
  /** The request body as it arrived (its pieces); `null` for GET and HEAD. */
  readonly body: RequestBody | null;
  /** Where the body's model string is, when it has one (for a byte-exact model rewrite). */
  readonly modelSpan: Span | undefined;
  /**
   * Where Claude Code's no-op `context_management` value is (keep-all `clear_thinking`), removed for a provider
   * without context management; `undefined` when the body has none, or no upstream lacks the capability.
   */
  readonly noOpContextManagement: Span | undefined;
  readonly requestId: string;
  readonly clientKeyId: string;
  readonly route: RouteRequest;
  readonly stream: boolean;
  readonly observeUsage: boolean;
  /** `performance.now()` when the request arrived. */
  readonly arrivedAt: number;
  /** Also given the request's record (a deduplicated call's joiners are recorded from it); `undefined`: none. */
  readonly onRecord: ((record: RequestRecord) => void) | undefined;
}
