/** @ccb/providers: upstream providers (credentials, extra headers, model mapping) and the model rewriter. */

export { createProvider, type ProviderOptions } from './create-provider.js';
export { createProviderRegistry, type ProviderRegistry } from './create-provider-registry.js';
export type { AuthType, CredentialSource, HeaderPair, Provider, ProviderDescription } from './provider.js';
export {
  ProviderError,
  type ProviderErrorCode,
  type ProviderErrorOptions,
} from './provider-error.js';
export { readModel } from './read-model.js';
export { rewriteModel } from './rewrite-model.js';
