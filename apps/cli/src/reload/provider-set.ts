import type { Config } from '@ccb/config';
import { createProvider, type Provider } from '@ccb/providers';
import type { UpstreamEntry, UpstreamTarget } from '@ccb/proxy';

type ProviderConfig = Config['providers'][number];

/** The providers of one configuration, and the upstream entries the proxy sends to. */
export interface ProviderGeneration {
  readonly providers: readonly Provider[];
  readonly byName: ReadonlyMap<string, Provider>;
  readonly upstreams: readonly UpstreamEntry[];
}

/**
 * Builds the providers of a configuration, reusing the `Provider` of every entry whose connection and credential
 * settings did not change (its credential state, e.g. a refreshed token, lives on), and creating the others.
 * @throws {ProviderError} for an entry the providers library refuses: nothing is kept from a failed build.
 */
export function buildProviders(config: Config, previous?: ProviderGeneration): ProviderGeneration {
  const providers = config.providers.map((entry) => {
    const kept = previous?.byName.get(entry.name);
    return kept !== undefined && identityOf(kept) === connectionKey(entry) ? kept : newProvider(entry);
  });
  const upstreams = config.providers.map((entry, index) => ({
    target: providers[index] as UpstreamTarget,
    timeouts: {
      connectInMs: entry.timeouts.connect,
      firstByteInMs: entry.timeouts.first_byte,
      streamIdleInMs: entry.timeouts.stream_idle,
    },
  }));
  return { providers, byName: new Map(providers.map((provider) => [provider.name, provider])), upstreams };
}

/** What a provider was built from, compared by value: a change to any of it needs a new `Provider`. */
const connectionKeys = new WeakMap<Provider, string>();

function newProvider(entry: ProviderConfig): Provider {
  const provider = createProvider({
    name: entry.name,
    baseUrl: entry.base_url,
    authType: entry.auth_type,
    ...(entry.api_key !== undefined ? { apiKey: entry.api_key } : {}),
    headers: entry.headers,
    modelMap: entry.model_map,
  });
  connectionKeys.set(provider, connectionKey(entry));
  return provider;
}

function identityOf(provider: Provider): string | undefined {
  return connectionKeys.get(provider);
}

function connectionKey(entry: ProviderConfig): string {
  return JSON.stringify([
    entry.base_url,
    entry.auth_type,
    entry.api_key ?? null,
    entry.headers,
    entry.model_map,
  ]);
}
