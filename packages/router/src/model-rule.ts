import type { ModelFamily } from '@ccb/protocol';

/** What a request must look like for a {@link ModelRule} to apply. Every given field must hold; `{}` matches all. */
export interface ModelRuleMatch {
  /**
   * Glob over the requested model (`*` = any run, `?` = one character, case-sensitive, whole name), e.g.
   * `claude-haiku-*`. A request without a model never matches it.
   */
  readonly model?: string;
  /**
   * Model family: matches `claude-<family>-…` and `claude-<version>-<family>…` ids, also behind a
   * `vendor.` or `vendor/` prefix (`us.anthropic.claude-3-5-haiku-…`, `anthropic/claude-opus-5`) and with a
   * Vertex `@date` suffix; case-insensitive. New versions of a family keep matching.
   */
  readonly family?: ModelFamily;
  /** `true`: only requests with `thinking` enabled; `false`: only requests without. */
  readonly thinking?: boolean;
  /** Only requests whose estimated input is at least this many tokens (`RouteRequest.inputTokens`). */
  readonly minInputTokens?: number;
}

/**
 * A routing rule, evaluated before provider selection; the first rule whose `match` holds wins. A rule can
 * restrict the candidates to a provider group and rewrite the model. Examples: Claude Code's background calls
 * (`family: 'haiku'`) to a cheap group; `thinking` requests to a strong group; long contexts
 * (`minInputTokens`) to a group with a long-context model.
 */
export interface ModelRule {
  /** Unique non-empty name, shown in `RoutePlan.rule` for logs. */
  readonly name: string;
  readonly match: ModelRuleMatch;
  /**
   * Restricts the candidates to these configured provider names (still tiered by their `priority` and
   * ordered by the strategy). When none of them is usable the plan holds the group member whose cool-down
   * ends soonest, never a provider outside the group. Absent = every provider.
   */
  readonly providers?: readonly string[];
  /** The model to send instead of the requested one; the targets' `models` globs are checked against it. */
  readonly model?: string;
}
