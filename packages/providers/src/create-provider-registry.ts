import type { Provider } from './provider.js';
import { ProviderError } from './provider-error.js';

/** The configured providers by name. */
export interface ProviderRegistry<TProvider extends Provider = Provider> {
  /** Provider names in registration order, frozen. */
  readonly names: readonly string[];
  /** The provider called `name`, or `undefined`. */
  get(name: string): TProvider | undefined;
  /**
   * The provider called `name`.
   * @throws ProviderError `CCB_PROVIDER_UNKNOWN` listing the known names
   */
  require(name: string): TProvider;
  /** All providers in registration order, frozen. */
  list(): readonly TProvider[];
}

/**
 * Indexes providers by name once, for O(1) lookups per request.
 * @throws ProviderError `CCB_PROVIDER_DUPLICATE` when two providers share a name
 */
export function createProviderRegistry<TProvider extends Provider>(
  providers: readonly TProvider[],
): ProviderRegistry<TProvider> {
  const byName = new Map<string, TProvider>();
  for (const provider of providers) {
    if (byName.has(provider.name)) {
      throw new ProviderError(
        'CCB_PROVIDER_DUPLICATE',
        `Provider name "${provider.name}" is used twice; give every provider a unique name.`,
        { providerName: provider.name },
      );
    }
    byName.set(provider.name, provider);
  }
  const list = Object.freeze([...providers]);
  const names = Object.freeze([...byName.keys()]);
  return Object.freeze({
    names,
    get: (name: string) => byName.get(name),
    require: (name: string) => {
      const provider = byName.get(name);
      if (provider === undefined) {
        throw new ProviderError(
          'CCB_PROVIDER_UNKNOWN',
          `Unknown provider "${name}"; known providers: ${names.length === 0 ? '(none)' : names.join(', ')}.`,
          { providerName: name },
        );
      }
      return provider;
    },
    list: () => list,
  });
}
