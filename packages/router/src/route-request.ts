import type { ApiSurface } from '@ccb/protocol';

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
}

/**
 * Effective price of `model` at `provider` in USD per million tokens, or `undefined` when unknown (ranked as
 * the most expensive). The CLI derives it from its pricing table; the `cost` strategy orders by it.
 */
export type PriceOf = (provider: string, model: string | undefined) => number | undefined;
