/** Why an attempt failed. */
export type FailureKind = 'connect' | 'timeout' | 'reset' | 'status' | 'stream' | 'protocol';

/**
 * What the proxy reports to the router after every attempt against a provider. The proxy declares the same
 * shape on its side; keep the field names in step.
 */
export interface AttemptOutcome {
  /**
   * `success`: upstream answered 2xx and (for streams) finished cleanly; `failure`: counts against the provider;
   * `client_error`: the client's own 4xx (400/404/413/422…), neutral for health.
   */
  readonly result: 'success' | 'failure' | 'client_error';
  /** Why a failure happened (absent on success). */
  readonly failure?: FailureKind;
  /** Upstream HTTP status when a response head was received. */
  readonly status?: number;
  /** Anthropic `error.type` from the upstream body or SSE error event, when known. */
  readonly errorType?: string;
  /** Upstream response headers (lower-case names) when a head was received: rate-limit headers, retry-after. */
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
  /** Anthropic error message when known (e.g. to detect "credit balance is too low"). */
  readonly errorMessage?: string;
  /** Anthropic `error.details.error_code` when known, e.g. `enforced_spend_limit_reached`. */
  readonly errorCode?: string;
}
