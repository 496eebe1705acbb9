/** @ccb/providers: upstream providers: where they are, their credentials, extra headers and model mapping. */

export { createProvider, type ProviderOptions } from './create-provider.js';
export { createProviderRegistry, type ProviderRegistry } from './create-provider-registry.js';
export type { AuthType, CredentialSource, HeaderPair, Provider, ProviderDescription } from './provider.js';
export {
  ProviderError,
  type ProviderErrorCode,
  type ProviderErrorOptions,
} from './provider-error.js';
