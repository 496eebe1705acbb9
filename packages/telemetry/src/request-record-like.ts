/**
 * The parts of `@ccb/proxy`'s `RequestRecord` this package reads, declared structurally so telemetry never
 * imports the proxy (libraries are leaves; the CLI passes the real records).
 */

/** Why an attempt failed (the proxy's `FailureKind`). */
export type FailureKindLike = 'connect' | 'timeout' | 'reset' | 'status' | 'stream' | 'protocol';

/** Token usage of one response, as the proxy records it (all counts in tokens). */
export interface UsageLike {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheCreationInputTokens: number;
  readonly cacheReadInputTokens: number;
  readonly cacheCreation5mInputTokens?: number;
  readonly cacheCreation1hInputTokens?: number;
}

/** Upstream response headers, lower-case names, as undici and `AttemptOutcome.headers` carry them. */
export type HeadersLike = Readonly<Record<string, string | readonly string[] | undefined>>;

/** One try of one provider within a request. */
export interface AttemptRecordLike {
  readonly provider: string;
  readonly result: 'success' | 'failure' | 'client_error';
  readonly failure?: FailureKindLike | undefined;
  /** Upstream status when a response head arrived. */
  readonly status?: number | undefined;
  /** Anthropic error type when known. */
  readonly errorType?: string | undefined;
  /** Short reason for a failure, safe to log. */
  readonly reason?: string | undefined;
  readonly durationInMs: number;
  /** Upstream response headers; logged (summarised, values of non-allowlisted names redacted) at debug level. */
  readonly headers?: HeadersLike | undefined;
}

/** A finished request, as the proxy hands it to `onRequestEnd`. */
export interface RequestRecordLike {
  readonly requestId: string;
  readonly method: string;
  /** Path and query as the client sent them. */
  readonly path: string;
  /** The model the client asked for, when the body names one. */
  readonly model: string | undefined;
  /** The model sent to the serving provider (after routing rules and model maps), when known. */
  readonly modelSent?: string | undefined;
  /** The conversation's session key, when known. */
  readonly sessionKey?: string | undefined;
  /** The routing rule that matched, if any. */
  readonly rule?: string | undefined;
  /** The provider was picked to keep the session's prompt cache warm. */
  readonly affinity?: boolean;
  /** What the request cost in USD, when priced. */
  readonly costUsd?: number | undefined;
  readonly stream: boolean;
  /** Status the client received. */
  readonly status: number;
  /** The provider that served the response the client received, if any. */
  readonly provider: string | undefined;
  readonly outcome: 'ok' | 'failed_over' | 'error';
  readonly attempts: readonly AttemptRecordLike[];
  readonly usage: UsageLike | undefined;
  /** Fingerprint of the client's ccb key (`""` or `undefined` without client auth); never the key itself. */
  readonly clientKeyId: string | undefined;
  /** Anthropic's `request-id` from the serving upstream. */
  readonly upstreamRequestId: string | undefined;
  readonly durationInMs: number;
  /** Time spent in ccb itself, excluding waiting for upstreams, in ms; the overhead histogram skips records without it. */
  readonly overheadInMs?: number | undefined;
  /** From the request's arrival to the first response byte sent to the client, in ms. */
  readonly timeToFirstByteInMs: number | undefined;
  /** Request body bytes received from the client. */
  readonly bytesIn: number;
  /** Response bytes sent to the client. */
  readonly bytesOut: number;
}

/** A remaining budget as `@ccb/router` reports it. */
export interface BudgetReadingLike {
  readonly remaining: number | null;
}

/**
 * One provider's health at scrape time. Loose on purpose: `@ccb/router`'s `ProviderHealth` satisfies it as is
 * (via `budget`), and any other source can fill `remaining` instead.
 */
export interface ProviderHealthLike {
  readonly name: string;
  /** Circuit state: `closed`, `open`, `half_open` (`half-open` is accepted too). */
  readonly state: string;
  /** ms epoch when the cool-down or open circuit ends; `null`/absent when none. */
  readonly coolingDownUntil?: number | null | undefined;
  /** Remaining rate-limit budget; wins over `budget` when both are given. */
  readonly remaining?:
    | { readonly requests?: number | undefined; readonly tokens?: number | undefined }
    | undefined;
  /** `@ccb/router`'s budget readings. */
  readonly budget?:
    | {
        readonly requests?: BudgetReadingLike | null | undefined;
        readonly tokens?: BudgetReadingLike | null | undefined;
      }
    | null
    | undefined;
}
