/**
 * @ccb/providers: upstream providers: where they are, their credentials (static keys, Claude subscription OAuth),
 * extra headers and model mapping.
 */

export { createProvider, type ProviderOptions } from './create-provider.js';
export { createProviderRegistry, type ProviderRegistry } from './create-provider-registry.js';
export { type AuthorizeUrlOptions, buildAuthorizeUrl } from './oauth/build-authorize-url.js';
export type { OAuthAccountState, OAuthAccountStatus } from './oauth/oauth-account-status.js';
export {
  createOAuthCredentials,
  type OAuthCredentials,
  type OAuthCredentialsOptions,
} from './oauth/oauth-credentials.js';
export { type OAuthTokens, oauthTokensSchema } from './oauth/oauth-tokens.js';
export { type PastedCode, parsePastedCode } from './oauth/parse-pasted-code.js';
export { createPkce, type Pkce } from './oauth/pkce.js';
export {
  defaultTokenRequestTimeoutInMs,
  type ExchangeCodeOptions,
  exchangeAuthorizationCode,
  type RefreshTokensOptions,
  refreshTokens,
  type TokenEndpointOptions,
  type TokenFailureKind,
  type TokenRequestResult,
} from './oauth/token-endpoint.js';
export {
  readTokenFile,
  type TokenFileContent,
  tokenFileSchema,
  type WriteTokenFileOptions,
  writeTokenFile,
} from './oauth/token-file.js';
export type { AuthType, CredentialSource, HeaderPair, Provider, ProviderDescription } from './provider.js';
export {
  ProviderError,
  type ProviderErrorCode,
  type ProviderErrorOptions,
} from './provider-error.js';
