import type { IncomingHttpHeaders } from 'node:http';
import type { ApiSurface, AttemptOutcome, ProviderCapabilities, RequestNeeds } from '@ccb/protocol';

/**
 * The small interfaces the proxy needs from the rest of ccb. `@ccb/providers` and `@ccb/router` satisfy them
 * structurally; the proxy never imports those packages (the CLI composes them).
 */

/** A header as a lower-case name and its value. */
export type HeaderPair = readonly [name: string, value: string];

/** One upstream the proxy can send a request to (satisfied by `@ccb/providers`' `Provider`). */
export interface UpstreamTarget {
  readonly name: string;
  /** `scheme://host[:port]`, e.g. `https://api.anthropic.com`. */
  readonly origin: string;
  /** Path prefix without a trailing slash, `""` when none. */
  readonly basePath: string;
  /** `true` for passthrough providers: the client's own credentials go upstream untouched. */
  readonly forwardsClientCredentials: boolean;
  /** Headers the provider always adds, lower-case names. */
  readonly extraHeaders: readonly HeaderPair[];
  /**
   * `anthropic-beta` values this upstream needs, merged into the client's list (appended when missing, the
   * client's values and order kept; the header added when the client sent none). Absent or empty: nothing to do.
   */
  readonly requiredBetas?: readonly string[];
  /** The credential headers; a plain array for static keys, a Promise when fetched or refreshed. */
  credentialHeaders(): readonly HeaderPair[] | Promise<readonly HeaderPair[]>;
  /** Called after an upstream 401 so a refreshable credential can renew itself once. */
  invalidateCredentials(): boolean | Promise<boolean>;
  /** The model name to send for a requested model, or `undefined` to send it as is. */
  mapModel(model: string): string | undefined;
  /**
   * Present for an upstream that does not speak the Messages API on the wire (Claude on Amazon Bedrock): it
   * rewrites each attempt and translates the answer back into Anthropic's bytes. Absent: forwarded as is.
   */
  readonly adapter?: UpstreamAdapter;
  /**
   * What the upstream accepts (betas, server tools, context management, …) and its thinking-signature domain.
   * Absent: the first-party API's profile.
   */
  readonly capabilities?: ProviderCapabilities;
}

/** What an {@link UpstreamAdapter} is given of one attempt, after the provider's model mapping. */
export interface AdapterRequest {
  readonly method: string;
  /** The client's path and query, e.g. `/v1/messages?beta=true`. */
  readonly path: string;
  /** The body with the provider's model name in it; `null` for a request without one. */
  readonly body: Buffer | null;
  /** The model sent (after routing rules and `model_map`), `undefined` when the request names none. */
  readonly model: string | undefined;
  /** The client asked for a stream (`"stream": true`). */
  readonly stream: boolean;
  /** The client's `anthropic-beta` header, `undefined` when it sent none. */
  readonly anthropicBeta: string | undefined;
}

/** How an adapter sends one attempt, and how its answer reads in Anthropic's terms. */
export interface AdaptedAttempt {
  /** The whole path to send (the provider's base path included: a signature covers it). */
  readonly path: string;
  readonly body: Buffer;
  /** Headers added after the forwarded ones (a signature, a content type), lower-case names. */
  readonly headers: readonly HeaderPair[];
  readonly response: ResponseTranslator;
}

/** Turns one upstream answer in a provider's own framing into the Anthropic answer the client expects. */
export interface ResponseTranslator {
  /** The `content-type` the client gets for a 2xx answer (`text/event-stream` for a stream). */
  readonly contentType: string;
  /** `true` when the 2xx body changes length on the way (its `content-length` is dropped). */
  readonly reframes: boolean;
  /**
   * The header carrying the upstream's request id (`x-amzn-requestid`), copied to `request-id` when the answer has
   * none, so logs, records and the client's SDK see it where the Anthropic API puts it. Absent: nothing copied.
   */
  readonly requestIdHeader?: string;
  /**
   * The Anthropic bytes of one 2xx body chunk, `undefined` when it completes nothing yet.
   * @throws when the chunk breaks the provider's framing (the attempt then fails as a protocol error)
   */
  transform(chunk: Buffer): Buffer | undefined;
  /**
   * Called when the 2xx body is over: what is left to send.
   * @throws when the body stopped in the middle of a frame
   */
  flush(): Buffer | undefined;
  /** A non-2xx answer (its whole body) as Anthropic's error: status, headers and `{"type":"error",…}` body. */
  errorAnswer(status: number, headers: IncomingHttpHeaders, body: Buffer): TranslatedError;
}

/** An upstream error answer in Anthropic's shape. */
export interface TranslatedError {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** The per-provider translation for an upstream that does not speak the Messages API on the wire. */
export interface UpstreamAdapter {
  /**
   * Rewrites one attempt: path, body and (signed) headers.
   * @throws for a request this upstream cannot take (no model, an endpoint it lacks): the attempt fails
   */
  prepare(request: AdapterRequest): AdaptedAttempt | Promise<AdaptedAttempt>;
}

/** Per-upstream connection settings. */
export interface UpstreamTimeouts {
  /** TCP + TLS connect timeout in ms. */
  readonly connectInMs: number;
  /** Time from sending the request to the response head in ms (non-streaming replies can take minutes). */
  readonly firstByteInMs: number;
  /** Longest silence between two body chunks in ms. */
  readonly streamIdleInMs: number;
}

/** What routing may look at: the model and cheap traits of the request, never the body itself. */
export interface RouteRequest {
  /** Which part of the API the request addresses: a 401 or 403 judges a provider's credentials only on some. */
  readonly api?: ApiSurface | undefined;
  readonly model?: string | undefined;
  /** Stable key of the client's conversation, for prompt-cache affinity. */
  readonly sessionKey?: string | undefined;
  /** Extended thinking is on. */
  readonly thinking?: boolean;
  /** Rough input size in tokens (body bytes / 4). */
  readonly inputTokens?: number;
  /**
   * The client is Claude Code (`user-agent: claude-cli/…` or `x-app: cli`); set only when the planner has OAuth
   * subscription targets (`hasOAuthTargets`), which serve Claude Code only. Absent: unknown.
   */
  readonly fromClaudeCode?: boolean | undefined;
  /**
   * What the request depends on that some providers lack (server tools, real `context_management` edits, the 1M
   * window); read from the body only when some upstream's capabilities have a gap. Absent: nothing special.
   */
  readonly needs?: RequestNeeds | undefined;
}

/** The providers to try, in order, and whether a rule changed the model. */
export interface RoutePlan {
  readonly providers: readonly string[];
  /** The model to send instead of the requested one, when a routing rule says so. */
  readonly model?: string;
  /** The routing rule that matched, for logs. */
  readonly rule?: string;
  /** The first provider was chosen to keep the session's prompt cache warm. */
  readonly affinity?: boolean;
  /** The first provider is of another thinking-signature domain than the session's binding (for the request log). */
  readonly crossesDomain?: boolean;
  /**
   * The signature domain of the provider the session is bound to (when providers span several domains): the record
   * says `crossesDomain` when the provider that served is of another one.
   */
  readonly sessionDomain?: string;
  /**
   * Set when providers serve the model but none has a capability the request needs (`providers` is then empty):
   * the client gets a 400 naming `capability` and `providers`.
   */
  readonly unsupported?: { readonly capability: string; readonly providers: readonly string[] };
}

/** Plans the providers to try for a request and learns from outcomes (satisfied by `@ccb/router`). */
export interface AttemptPlanner {
  route(request: RouteRequest): RoutePlan;
  /** Every attempt's outcome, with the request it belonged to (session affinity binds on success). */
  report(name: string, outcome: AttemptOutcome, request?: RouteRequest): void;
  /**
   * Some provider is a subscription account that may serve Claude Code only: the proxy then tells routing whether
   * each request comes from Claude Code (`RouteRequest.fromClaudeCode`). Absent or `false`: it does not bother.
   */
  readonly hasOAuthTargets?: boolean;
}
