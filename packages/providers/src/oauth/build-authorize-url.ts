/** Options of {@link buildAuthorizeUrl}; defaults live in `claudeOAuth` of `@ccb/protocol` and the config. */
export interface AuthorizeUrlOptions {
  /** E.g. `https://claude.com/cai/oauth/authorize`. */
  readonly authorizeUrl: string;
  readonly clientId: string;
  /** The manual copy/paste page, e.g. `https://platform.claude.com/oauth/code/callback`. */
  readonly redirectUri: string;
  /** Space-separated scopes. */
  readonly scopes: string;
  /** The PKCE S256 challenge from {@link createPkce}. */
  readonly challenge: string;
  readonly state: string;
}

/**
 * The URL a user opens to sign in, with Claude Code's parameters in Claude Code's order: `code=true` (asks the
 * page to show the code for pasting), `client_id`, `response_type=code`, `redirect_uri`, `scope`,
 * `code_challenge`, `code_challenge_method=S256`, `state`. Parameters already in `authorizeUrl` are kept.
 */
export function buildAuthorizeUrl(options: AuthorizeUrlOptions): string {
  const url = new URL(options.authorizeUrl);
  const parameters = url.searchParams;
  parameters.set('code', 'true');
  parameters.set('client_id', options.clientId);
  parameters.set('response_type', 'code');
  parameters.set('redirect_uri', options.redirectUri);
  parameters.set('scope', options.scopes);
  parameters.set('code_challenge', options.challenge);
  parameters.set('code_challenge_method', 'S256');
  parameters.set('state', options.state);
  return url.href;
}
