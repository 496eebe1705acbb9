import type { ApiSurface, AttemptOutcome } from '@ccb/protocol';

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
