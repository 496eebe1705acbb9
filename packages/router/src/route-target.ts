import type { ProviderCapabilities } from '@ccb/protocol';

/** One provider the router can choose, as configured. Only `name` is required. */
export interface RouteTarget {
  /** Unique, non-empty provider name; plans and reports refer to targets by it. */
  readonly name: string;
  /** Share of traffic within its tier for the `weighted` strategy; a positive finite number, default `1`. */
  readonly weight?: number;
  /** Tier: lower is preferred; higher tiers are used only when every better tier is unusable. Default `1`. */
  readonly priority?: number;
  /** `false` removes the target from every plan without removing it from the configuration. Default `true`. */
  readonly enabled?: boolean;
  /**
   * Model-name globs the target serves (`*` = any run of characters, `?` = one character, case-sensitive,
   * whole name). Absent or empty: the target serves every model.
   */
  readonly models?: readonly string[];
  /**
   * A subscription account rather than an API key: `oauth` for an `auth_type: oauth` provider (a Claude Pro/Max
   * account ccb signs in to), `client` for `passthrough` (the user's own login, forwarded). Within its tier a
   * usable subscription target is tried before the API-key targets, and one running short of its 5-hour or 7-day
   * window (past `unifiedUtilizationThreshold`, or `allowed_warning`) after them; an `oauth` target goes last for
   * a request that is not from Claude Code (`RouteRequest.fromClaudeCode: false`). Absent: an API key.
   */
  readonly subscription?: 'oauth' | 'client';
  /**
   * What the provider accepts (server tools, context management, count_tokens, the 1M window) and its
   * thinking-signature domain: a request that needs what it lacks (`RouteRequest.needs`) leaves it out, and a
   * session's fallbacks prefer its bound provider's domain. Absent: the first-party API's profile (everything, domain
   * `anthropic`).
   */
  readonly capabilities?: ProviderCapabilities;
}
