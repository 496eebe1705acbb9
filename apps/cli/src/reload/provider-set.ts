import { createBedrockAdapter } from '@ccb/bedrock';
import type { Config } from '@ccb/config';
import { createProvider, type OAuthCredentials, type Provider } from '@ccb/providers';
import type { UpstreamEntry, UpstreamTarget } from '@ccb/proxy';
import { createVertexAdapter, type GoogleTokenSource, type GoogleTokenStatus } from '@ccb/vertex';
import type { VertexCredentialsFactory } from '../vertex-credentials.js';
import { capabilitiesOf } from './provider-capabilities.js';

type ProviderConfig = Config['providers'][number];

/** The providers of one configuration, and the upstream entries the proxy sends to. */
export interface ProviderGeneration {
  readonly providers: readonly Provider[];
  readonly byName: ReadonlyMap<string, Provider>;
  readonly upstreams: readonly UpstreamEntry[];
  /** The credential source of each `auth_type: oauth` provider, by name. */
  readonly accounts: ReadonlyMap<string, OAuthCredentials>;
}

/** Makes the credential source of an `auth_type: oauth` entry (its token file, refresh and state). */
export type AccountFactory = (entry: ProviderConfig) => OAuthCredentials;

/**
 * Builds the providers of a configuration, reusing the `Provider` of every entry whose connection and credential
 * settings did not change (its credential state, e.g. a refreshed token, lives on), and creating the others.
 * @throws {ProviderError} for an entry the providers library refuses: nothing is kept from a failed build.
 */
export function buildProviders(
  config: Config,
  previous: ProviderGeneration | undefined,
  newAccount: AccountFactory,
  newVertexCredentials?: VertexCredentialsFactory,
): ProviderGeneration {
  const accounts = new Map<string, OAuthCredentials>();
  let providers: Provider[];
  try {
    providers = config.providers.map((entry) => {
      const kept = previous?.byName.get(entry.name);
      if (kept !== undefined && identityOf(kept) === connectionKey(entry)) {
        const account = previous?.accounts.get(entry.name);
        if (account !== undefined) accounts.set(entry.name, account);
        return kept;
      }
      if (entry.kind === 'vertex') return newVertexProvider(entry, newVertexCredentials);
      if (entry.auth_type !== 'oauth') return newProvider(entry, undefined);
      const account = newAccount(entry);
      accounts.set(entry.name, account);
      return newProvider(entry, account);
    });
  } catch (error) {
    closeAccountsNotIn(accounts, previous);
    throw error;
  }
  const upstreams = config.providers.map((entry, index) => ({
    target: providers[index] as UpstreamTarget,
    timeouts: {
      connectInMs: entry.timeouts.connect,
      firstByteInMs: entry.timeouts.first_byte,
      streamIdleInMs: entry.timeouts.stream_idle,
    },
  }));
  return {
    providers,
    byName: new Map(providers.map((provider) => [provider.name, provider])),
    upstreams,
    accounts,
  };
}

/**
 * Closes the accounts of `generation` that `kept` does not use: after a swap, those of rebuilt or removed providers;
 * after a failed build, the ones it made.
 */
export function closeAccountsNotIn(
  generation: ProviderGeneration['accounts'],
  kept: ProviderGeneration | undefined,
): void {
  const inUse = new Set(kept?.accounts.values());
  for (const account of generation.values()) if (!inUse.has(account)) account.close();
}

/** What a provider was built from, compared by value: a change to any of it needs a new `Provider`. */
const connectionKeys = new WeakMap<Provider, string>();

function newProvider(entry: ProviderConfig, account: OAuthCredentials | undefined): Provider {
  const provider = createProvider({
    name: entry.name,
    baseUrl: entry.base_url,
    authType: entry.auth_type,
    ...(entry.kind === 'bedrock'
      ? { adapter: bedrockAdapterOf(entry) }
      : {
          ...(entry.api_key !== undefined ? { apiKey: entry.api_key } : {}),
          ...(account !== undefined ? { credentials: account } : {}),
        }),
    headers: entry.headers,
    modelMap: entry.model_map,
    capabilities: capabilitiesOf(entry),
  });
  connectionKeys.set(provider, connectionKey(entry));
  return provider;
}

/**
 * A `kind: vertex` entry: the adapter rewrites path and body; its Google access token is the provider's credential
 * source, so a token that cannot be had fails the attempt as a credential failure and an upstream 401 renews it.
 */
function newVertexProvider(
  entry: ProviderConfig,
  newCredentials: VertexCredentialsFactory | undefined,
): Provider {
  const gcp = entry.gcp;
  if (gcp === undefined || entry.region === undefined || newCredentials === undefined) {
    throw new Error(`provider ${entry.name}: kind vertex needs region, gcp and a credentials factory`);
  }
  const tokens = newCredentials(entry);
  const provider = createProvider({
    name: entry.name,
    baseUrl: entry.base_url,
    adapter: createVertexAdapter({ project: gcp.project, region: entry.region, baseUrl: entry.base_url }),
    credentials: tokens,
    headers: entry.headers,
    modelMap: entry.model_map,
    capabilities: capabilitiesOf(entry),
  });
  connectionKeys.set(provider, connectionKey(entry));
  googleTokenSources.set(provider, tokens);
  return provider;
}

/** The token source of each `kind: vertex` provider, kept with the provider across reloads. */
const googleTokenSources = new WeakMap<Provider, GoogleTokenSource>();

/** Where the Google access token of each `kind: vertex` provider of `generation` stands, by provider name. */
export function googleTokenStates(generation: ProviderGeneration): ReadonlyMap<string, GoogleTokenStatus> {
  const states = new Map<string, GoogleTokenStatus>();
  for (const provider of generation.providers) {
    const tokens = googleTokenSources.get(provider);
    if (tokens !== undefined) states.set(provider.name, tokens.status());
  }
  return states;
}

/** A `kind: bedrock` entry's adapter: its model_map is applied by the provider first, so none is passed here. */
function bedrockAdapterOf(entry: ProviderConfig): object {
  const aws = entry.aws;
  return createBedrockAdapter({
    region: entry.region as string,
    baseUrl: entry.base_url,
    credentials:
      aws === undefined
        ? { apiKey: entry.api_key as string }
        : {
            accessKeyId: aws.access_key_id,
            secretAccessKey: aws.secret_access_key,
            sessionToken: aws.session_token,
          },
  });
}

function identityOf(provider: Provider): string | undefined {
  return connectionKeys.get(provider);
}

function connectionKey(entry: ProviderConfig): string {
  return JSON.stringify([
    entry.kind,
    entry.region ?? null,
    entry.aws ?? null,
    entry.gcp ?? null,
    entry.base_url,
    entry.auth_type,
    entry.api_key ?? null,
    entry.oauth ?? null,
    entry.headers,
    entry.model_map,
    entry.capabilities ?? null,
  ]);
}
