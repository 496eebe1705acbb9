/**
 * Request deduplication (`ProxyHandlerOptions.dedup`): identical requests share one upstream call. "Identical" is
 * the same client key, method, path with query, `anthropic-version` and `anthropic-beta` headers and body bytes,
 * under the same settings snapshot (a reload never joins across configurations). One client's answer never
 * reaches another client key. Left out, or with every part off, no request pays anything for it.
 */
export interface DedupOptions {
  /** `POST /v1/messages/count_tokens`: share a call in flight, and reuse a completed 2xx answer for `cacheTtlInMs`. */
  readonly countTokens: boolean;
  /** `GET /v1/models` and `GET /v1/models/{id}`: the same. */
  readonly models: boolean;
  /** How long a completed 2xx `count_tokens` or models answer is reused, in ms; 0: never reused once complete. */
  readonly cacheTtlInMs: number;
  /**
   * `POST /v1/messages`: `in_flight` joins an identical call in flight (JSON and SSE, byte for byte); `off` never
   * does, since two identical generation requests may want two different samples.
   */
  readonly messages: 'off' | 'in_flight';
  /** Bytes of one call's answer kept for joiners that arrive late; past it, a new joiner gets its own call. */
  readonly maxReplayInBytes: number;
  /**
   * When the last client of a call leaves, keep its upstream call running this long (ms) so that a retry of the
   * same request joins it; 0: abort it at once, as for a lone client.
   */
  readonly retryGraceInMs: number;
  /** The clock for the answer cache (ms). Default `Date.now`; tests inject one. */
  readonly now?: () => number;
}

/** Completed answers kept at most per settings snapshot, over every key (the oldest goes first). */
export const maxCachedAnswers = 1000;

/** Bytes of completed answers kept at most per settings snapshot (token counts and model lists are small). */
export const maxCachedAnswerBytes = 16 * 1024 * 1024;

/**
 * Replay bytes all deduplicated calls in flight may hold together, whatever each call's own bound: past it, calls
 * stop buffering and take no more joiners.
 */
export const maxReplayMemoryInBytes = 256 * 1024 * 1024;
