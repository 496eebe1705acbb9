import type { ResponseHeaders } from './headers.js';

/**
 * Why an attempt failed: the connection (`connect`), a deadline (`timeout`), a cut connection (`reset`), an HTTP
 * error status (`status`), a stream that broke or carried an error (`stream`), a reply that is not valid HTTP or
 * SSE (`protocol`), or the provider's own credentials could not be had (`credentials`, e.g. a token refresh failed).
 */
export type FailureKind = 'connect' | 'timeout' | 'reset' | 'status' | 'stream' | 'protocol' | 'credentials';

/** What one attempt against a provider came to: the proxy reports it, the router learns from it. */
export interface AttemptOutcome {
  /**
   * `success`: upstream answered 2xx and (for streams) finished cleanly; `failure`: counts against the provider;
   * `client_error`: the client's own 4xx (400/404/413/422…), neutral for health.
   */
  readonly result: 'success' | 'failure' | 'client_error';
  /** Why a failure happened (absent on success). */
  readonly failure?: FailureKind | undefined;
  /** Upstream HTTP status when a response head was received. */
  readonly status?: number | undefined;
  /** Anthropic `error.type` from the upstream body or SSE error event, when known. */
  readonly errorType?: string | undefined;
  /** Anthropic error message when known (e.g. to detect "credit balance is too low"). */
  readonly errorMessage?: string | undefined;
  /** Anthropic `error.details.error_code` when known, e.g. `enforced_spend_limit_reached`. */
  readonly errorCode?: string | undefined;
  /** Upstream response headers (lower-case names) when a head was received: rate-limit headers, retry-after. */
  readonly headers?: ResponseHeaders | undefined;
}
