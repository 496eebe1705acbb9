import type { ApiSurface } from './api-surface.js';
import type { AttemptOutcome, FailureKind } from './attempt-outcome.js';
import type { ResponseHeaders } from './headers.js';
import type { Usage } from './usage.js';

/** One try of one provider within a request. */
export interface AttemptRecord {
  readonly provider: string;
  readonly result: AttemptOutcome['result'];
  readonly failure?: FailureKind | undefined;
  /** Upstream status when a response head arrived. */
  readonly status?: number | undefined;
  /** Anthropic error type when known (upstream body, SSE error event, or ccb's classification). */
  readonly errorType?: string | undefined;
  /** Short reason for a failure, safe to log and to show the client (it names no upstream text). */
  readonly reason?: string | undefined;
  /**
   * More about a failure, for operators only (logs): e.g. what a credential source said. Never sent to the client,
   * since it may carry what an upstream or a token endpoint answered.
   */
  readonly detail?: string | undefined;
  /** Upstream response headers (lower-case names) when a head arrived; for debug summaries, never logged whole. */
  readonly headers?: ResponseHeaders | undefined;
  /** Tokens this attempt consumed, when its response reported usage (also failed attempts that were billed). */
  readonly usage?: Usage | undefined;
  readonly durationInMs: number;
  /**
   * What ccb changed in the request body for this attempt because the session moved to another thinking-signature
   * domain; `undefined` when the body went upstream as the client sent it (bar the model name).
   */
  readonly sessionRepair?: SessionRepairReport | undefined;
}

/**
 * The changes ccb made to one attempt's body so that a session that moved between signature domains stays valid
 * (docs/session-repair.md). Every count is of blocks or ids changed in that one request.
 */
export interface SessionRepairReport {
  /** The signature domain of the provider the body was repaired for (`anthropic`, or a third party's name). */
  readonly domain: string;
  /** `thinking` blocks of earlier assistant turns removed: their signature is not known to be this domain's. */
  readonly thinkingRemoved: number;
  /** `redacted_thinking` blocks removed, likewise. */
  readonly redactedThinkingRemoved: number;
  /** Assistant messages removed because nothing was left of them (only thinking); the API merges the turns around. */
  readonly messagesRemoved: number;
  /** Distinct tool_use ids rewritten to match this provider's tool-id pattern (in `tool_use` and `tool_result`). */
  readonly toolIdsRewritten: number;
  /** Thinking was turned off for this request: its last assistant turn calls a tool and lost its thinking block. */
  readonly thinkingDisabled: boolean;
}

/** Everything the proxy knows about a finished request: what logs, metrics, the ledger and budgets are made from. */
export interface RequestRecord {
  readonly requestId: string;
  readonly method: string;
  /** Path (normalised by the request guard) and query, as sent upstream. */
  readonly path: string;
  /** The part of the API the request addressed: only the Messages API is billed per request. */
  readonly api: ApiSurface;
  /** The model the client asked for, when the body names one. */
  readonly model: string | undefined;
  /** The model sent to the provider that served (after routing rules and `model_map`). */
  readonly modelSent: string | undefined;
  /** The conversation's session key, when one could be derived. */
  readonly sessionKey: string | undefined;
  /** The routing rule that matched, if any. */
  readonly rule: string | undefined;
  /** The provider was picked to keep the session's prompt cache warm. */
  readonly affinity: boolean;
  /**
   * The provider that served is of another thinking-signature domain than the one the session was bound to (a
   * failover that crossed domains, the last resort). Absent: it did not, or the session had no binding.
   */
  readonly crossesDomain?: boolean | undefined;
  readonly stream: boolean;
  /** Status the client received (for a stream, the status of its head). */
  readonly status: number;
  /**
   * The provider that served the response the client received, if any; for a cancelled request, the one that had
   * started serving it (and bills for it).
   */
  readonly provider: string | undefined;
  /**
   * ok: served by the first provider; failed_over: served after failing over; error: the client got an error;
   * cancelled: the client went away first (status 499), with `usage` as far as the upstream went.
   */
  readonly outcome: 'ok' | 'failed_over' | 'error' | 'cancelled';
  readonly attempts: readonly AttemptRecord[];
  readonly usage: Usage | undefined;
  /** Fingerprint of the client's ccb key ("" without client auth). */
  readonly clientKeyId: string | undefined;
  /** Anthropic's `request-id` from the serving upstream. */
  readonly upstreamRequestId: string | undefined;
  readonly startedAt: number;
  readonly durationInMs: number;
  /**
   * Time spent in ccb itself: the whole duration less the time attempts spent with their upstreams (connect,
   * wait, relay). Body reading, auth, planning and bookkeeping land here.
   */
  readonly overheadInMs: number;
  /** From the request's arrival to the first response byte sent to the client. */
  readonly timeToFirstByteInMs: number | undefined;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** The start of the request and response bodies, only when body capture is on (`captureBodiesInBytes`). */
  readonly bodies?: { readonly request: string; readonly response: string } | undefined;
  /**
   * Set when this request was answered without an upstream call of its own: `joined` an identical call in flight,
   * or got a `cached` completed answer. Its `attempts` are empty; `usage`, `provider`, `model` and `modelSent` are
   * those of the call that served it (what it saved), not a cost of its own.
   */
  readonly dedup?: 'joined' | 'cached' | undefined;
}
