/**
 * Claude subscription (Pro/Max) OAuth as Claude Code uses it (protocol notes §8; Claude Code 2.1.112, ccflare,
 * claude-relay-service). Undocumented by Anthropic, so every value is overridable in a provider's `oauth:` config.
 */
export const claudeOAuth = Object.freeze({
  /** Claude Code's public client: no third-party registration exists. */
  clientId: '9d1c250a-e61b-44d9-88ed-5944d1962f5e',
  /** claude.ai accounts; Console accounts use `https://platform.claude.com/oauth/authorize`. */
  authorizeUrl: 'https://claude.com/cai/oauth/authorize',
  /** Authorization-code exchange and refresh, JSON bodies. The old console.anthropic.com endpoint 404s on refresh. */
  tokenUrl: 'https://platform.claude.com/v1/oauth/token',
  /** The manual copy/paste redirect: the page shows the code as `code#state`. */
  redirectUri: 'https://platform.claude.com/oauth/code/callback',
  scopes: 'user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload',
  /** Without this in `anthropic-beta`, the Messages API answers an OAuth Bearer with 401. */
  beta: 'oauth-2025-04-20',
});

/** Where subscription tokens are sent: the first-party API (protocol notes §8). */
export const anthropicApiBaseUrl = 'https://api.anthropic.com';
