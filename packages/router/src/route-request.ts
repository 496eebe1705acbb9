import type { ApiSurface, RequestNeeds } from '@ccb/protocol';

/** What the router needs to know about a request. Only `model` matters without rules and affinity. */
export interface RouteRequest {
  /**
   * Which part of the Anthropic API the request addresses. An answer judges a provider's credentials or account
   * (401, 403, a spend limit) only on the Messages API and its token counter; elsewhere it is neutral for health.
   * Absent: the Messages API.
   */
  readonly api?: ApiSurface | undefined;
  /** The requested model; absent means the request matches every target. */
  readonly model?: string | undefined;
  /**
   * Stable key of a Claude Code session (the proxy derives it, e.g. from `x-claude-code-session-id`); absent =
   * no session affinity for this request.
   */
  readonly sessionKey?: string | undefined;
  /** The request has `thinking` enabled (for model rules). */
  readonly thinking?: boolean | undefined;
  /** Rough estimate of the input size in tokens, e.g. body bytes / 4 (for model rules). */
  readonly inputTokens?: number | undefined;
  /**
   * Whether the client is Claude Code (the proxy reads its `user-agent: claude-cli/…` and `x-app: cli`). `false`
   * moves `oauth` subscription targets to the end of the plan: Anthropic's terms allow subscription OAuth for Claude
   * Code only, so such a target serves another client only when nothing else is left. Absent (unknown): no effect.
   */
  readonly fromClaudeCode?: boolean | undefined;
  /**
   * What the request depends on that some providers lack (server tools, real `context_management` edits, the 1M
   * window): targets without it are left out of the plan. A `count_tokens` request (`api`) needs `countTokens`
   * whatever this says. Absent: nothing beyond the Messages API.
   */
  readonly needs?: RequestNeeds | undefined;
}

/** The router's answer for one request. */
export interface RoutePlan {
  /** Ordered provider names: first choice, then fallbacks (the same list `plan()` returns). */
  readonly providers: readonly string[];
  /** When a model rule rewrote the model: the model to send instead of the requested one. */
  readonly model?: string;
  /** Name of the model rule that matched, for logs. */
  readonly rule?: string;
  /** `true` when the first provider was chosen by session affinity. */
  readonly affinity: boolean;
  /**
   * `true` when the session is bound to a provider of another thinking-signature domain than the first provider of
   * the plan: its history carries signatures the first choice cannot verify (the last resort, for logs).
   */
  readonly crossesDomain?: boolean;
  /**
   * The thinking-signature domain of the provider the session is bound to, set when the targets span several
   * domains: an attempt at a provider of another domain crosses it (the proxy's record and session repair compare).
   */
  readonly sessionDomain?: string;
  /**
   * Set when targets serve the model but none has a capability the request needs, so `providers` is empty: what is
   * missing ("the server tool web_search", "count_tokens", …) and the providers that were considered.
   */
  readonly unsupported?: UnsupportedRequest;
}

/** Why a plan is empty although targets serve the model: a capability none of them has. */
export interface UnsupportedRequest {
  /** The missing capability in words, e.g. `the server tool web_search`, `context_management`, `count_tokens`. */
  readonly capability: string;
  /** The providers considered (serving the model), in plan order. */
  readonly providers: readonly string[];
}

/**
 * Effective price of `model` at `provider` in USD per million tokens, or `undefined` when unknown (ranked as
 * the most expensive). The CLI derives it from its pricing table; the `cost` strategy orders by it.
 */
export type PriceOf = (provider: string, model: string | undefined) => number | undefined;
