/**
 * What each kind of upstream accepts of the Messages API, and whose key signs its thinking blocks. Routing keeps a
 * request that depends on a capability away from providers without it; the proxy removes the `anthropic-beta` flags a
 * provider does not accept and repairs a session's history when it moves to another signature domain. A provider's
 * `capabilities:` config overrides any field of its kind's profile (the clouds add betas faster than ccb releases).
 */

/** The signature domain of the first-party API, Bedrock and Vertex: Anthropic documents their thinking signatures as mutually valid. */
export const anthropicSignatureDomain = 'anthropic';

/** Anthropic's own rule for tool_use ids (a 400 `tool_use.id: String should match pattern`). */
export const anthropicToolIdPattern = '^[a-zA-Z0-9_-]+$';

/** The API's limit on `cache_control` breakpoints per request ("A maximum of 4 blocks with cache_control…"). */
export const anthropicCacheControlLimit = 4;

/** Server tools (run by the provider, not the client), by their type without the date suffix (`web_search_20250305`). */
export const serverToolNames = [
  'web_search',
  'web_fetch',
  'code_execution',
  'tool_search_tool_regex',
  'tool_search_tool_bm25',
] as const;

/** The `anthropic-beta` flag that opens the 1M-token context window. */
export const context1mBeta = 'context-1m-2025-08-07';

/** The `anthropic-beta` flag of `context_management`. */
export const contextManagementBeta = 'context-management-2025-06-27';

/** What one provider accepts. Plain data: the config's `capabilities:` overrides field by field. */
export interface ProviderCapabilities {
  /** `anthropic-beta` flags forwarded: `'all'`, or only those listed (others are removed from this provider's request). */
  readonly betas: 'all' | readonly string[];
  /** Server tools it runs, by name without the date suffix (`web_search`): `'all'` or a list (empty: none). */
  readonly serverTools: 'all' | readonly string[];
  /** It applies a request's `context_management` edits. */
  readonly contextManagement: boolean;
  /** It answers `POST /v1/messages/count_tokens` (or its own endpoint for it). */
  readonly countTokens: boolean;
  /** It serves the 1M-token context window (the `context-1m-2025-08-07` beta). */
  readonly context1m: boolean;
  /** Most `cache_control` breakpoints it accepts in one request. */
  readonly cacheControlLimit: number;
  /** The pattern every tool_use id must match there, as a regular expression source. */
  readonly toolIdPattern: string;
  /**
   * Whose key signs its thinking blocks: `anthropic` for the first-party API, Bedrock and Vertex; a third party's own
   * name otherwise. A thinking block signed in one domain is rejected in another.
   */
  readonly signatureDomain: string;
}

/** The upstream kinds a provider can be (config `kind`). */
export type ProviderKind = 'anthropic' | 'anthropic-compatible' | 'bedrock' | 'vertex';

/**
 * Betas Claude on Bedrock and Vertex accept (AWS "Anthropic Claude Messages API" request parameters, Google's
 * "Claude models on Vertex AI"); an unknown flag there is a 400 "invalid beta flag", so anything else is removed.
 */
export const cloudBetas: readonly string[] = Object.freeze([
  'computer-use-2024-10-22',
  'computer-use-2025-01-24',
  'computer-use-2025-11-24',
  'token-efficient-tools-2025-02-19',
  'interleaved-thinking-2025-05-14',
  'output-128k-2025-02-19',
  'dev-full-thinking-2025-05-14',
  context1mBeta,
  contextManagementBeta,
  'effort-2025-11-24',
  'tool-search-tool-2025-10-19',
  'tool-examples-2025-10-29',
]);

const firstParty: ProviderCapabilities = Object.freeze({
  betas: 'all',
  serverTools: 'all',
  contextManagement: true,
  countTokens: true,
  context1m: true,
  cacheControlLimit: anthropicCacheControlLimit,
  toolIdPattern: anthropicToolIdPattern,
  signatureDomain: anthropicSignatureDomain,
});

/**
 * The built-in profile of a kind. `name` is the provider's name: an `anthropic-compatible` provider signs (or not)
 * with its own key, so it is its own signature domain.
 */
export function capabilitiesOfKind(kind: ProviderKind, name: string): ProviderCapabilities {
  switch (kind) {
    case 'anthropic':
      return firstParty;
    case 'bedrock':
      return Object.freeze({
        ...firstParty,
        betas: cloudBetas,
        // Bedrock runs no web search, web fetch or code execution (AWS model parameters page).
        serverTools: Object.freeze(['tool_search_tool_regex', 'tool_search_tool_bm25']),
      });
    case 'vertex':
      return Object.freeze({
        ...firstParty,
        betas: cloudBetas,
        serverTools: Object.freeze(['web_search', 'tool_search_tool_regex', 'tool_search_tool_bm25']),
      });
    case 'anthropic-compatible':
      // Third parties ignore the betas they do not know (protocol notes §10), so flags pass; what they lack is the
      // server side: no server tools, no context editing, often no count_tokens, and their own signatures.
      return Object.freeze({
        betas: 'all',
        serverTools: Object.freeze([]),
        contextManagement: false,
        countTokens: false,
        context1m: false,
        cacheControlLimit: anthropicCacheControlLimit,
        toolIdPattern: anthropicToolIdPattern,
        signatureDomain: name,
      });
  }
}
