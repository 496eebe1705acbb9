import type { ApiSurface } from './api-surface.js';
import type { ProviderCapabilities } from './provider-capabilities.js';

/**
 * What a request depends on that not every provider has. The proxy reads it from the body (and the `anthropic-beta`
 * header) only when some configured provider lacks a capability; routing then leaves out providers without it.
 * Absent fields mean "not needed". A no-op (Claude Code's `clear_thinking` edit that keeps all thinking) or a 1M beta
 * on a request that fits the standard window is no dependence: those are removed for a provider without them.
 */
export interface RequestNeeds {
  /** Server tools the request declares, by name without the date suffix (`web_search`). */
  readonly serverTools?: readonly string[] | undefined;
  /** The request's `context_management` edits change something (not only Claude Code's keep-all no-op). */
  readonly contextManagement?: boolean | undefined;
  /** The request asks for the 1M context beta and is larger than the standard window by the estimate. */
  readonly context1m?: boolean | undefined;
}

/** The standard context window in tokens: a request estimated above it needs the 1M window. */
export const standardContextWindowInTokens = 200_000;

/**
 * Whether `capabilities` lack something a request could depend on (a server tool, context management, count_tokens,
 * the 1M window): only then are a request's needs worth reading.
 */
export function hasCapabilityGaps(capabilities: ProviderCapabilities | undefined): boolean {
  if (capabilities === undefined) return false;
  return (
    capabilities.serverTools !== 'all' ||
    !capabilities.contextManagement ||
    !capabilities.countTokens ||
    !capabilities.context1m
  );
}

/**
 * The first capability the request needs and `capabilities` lack, as words for an error message ("the server tool
 * web_search", "context_management", "count_tokens", "the 1M context window"), or `undefined` when it has all.
 * `undefined` capabilities are the first-party API's, which has everything.
 */
export function missingCapability(
  capabilities: ProviderCapabilities | undefined,
  needs: RequestNeeds | undefined,
  api: ApiSurface | undefined,
): string | undefined {
  if (capabilities === undefined) return undefined;
  if (api === 'count_tokens' && !capabilities.countTokens) return 'count_tokens';
  if (needs === undefined) return undefined;
  const tools = needs.serverTools;
  if (tools !== undefined && capabilities.serverTools !== 'all') {
    for (const tool of tools) {
      if (!capabilities.serverTools.includes(tool)) return `the server tool ${tool}`;
    }
  }
  if (needs.contextManagement === true && !capabilities.contextManagement) return 'context_management';
  if (needs.context1m === true && !capabilities.context1m)
    return 'the 1M context window (context-1m-2025-08-07)';
  return undefined;
}
