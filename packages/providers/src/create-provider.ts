import { inspect } from 'node:util';
import { capabilitiesOfKind, claudeOAuth, type ProviderCapabilities } from '@ccb/protocol';
import { apiKeyHeaders } from './auth/api-key.js';
import { bearerHeaders } from './auth/bearer.js';
import { passthroughHeaders } from './auth/passthrough.js';
import { createModelMapper } from './create-model-mapper.js';
import { normalizeExtraHeaders } from './normalize-extra-headers.js';
import { parseBaseUrl } from './parse-base-url.js';
import type { AuthType, CredentialSource, HeaderPair, Provider, ProviderDescription } from './provider.js';
import { invalidProviderError } from './provider-error.js';

/** Options of {@link createProvider}: one resolved `providers[]` entry of the config. */
export interface ProviderOptions {
  /** Unique name, used by the router, in logs and in error messages. */
  readonly name: string;
  /**
   * The upstream base URL as Claude Code's `ANTHROPIC_BASE_URL` would take it (no `/v1`): http(s), no
   * credentials, query or fragment; a trailing slash is dropped. E.g. `"https://api.deepseek.com/anthropic"`.
   */
  readonly baseUrl: string;
  /** How to authenticate upstream. Default `'api_key'`. */
  readonly authType?: AuthType;
  /** The key or token; required for `api_key` and `bearer` unless `credentials` is given, forbidden for passthrough. */
  readonly apiKey?: string;
  /** Headers added to every upstream request; hop-by-hop and credential headers are rejected. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Requested model → upstream model. Exact keys first, then `*` globs in map order. Default: no mapping. */
  readonly modelMap?: Readonly<Record<string, string>>;
  /** An async credential (OAuth, token store) used instead of `apiKey`; `authType` then only labels it. */
  readonly credentials?: CredentialSource;
  /**
   * For an upstream that does not speak the Messages API on the wire (Claude on Amazon Bedrock): an object the
   * proxy calls to rewrite each attempt and translate its answer (the proxy's `UpstreamAdapter`), opaque here. The
   * adapter then authenticates each request itself (`apiKey` must be absent), or `credentials` supplies the header.
   */
  readonly adapter?: object;
  /** What the upstream accepts of the Messages API and its signature domain. Default: the first-party API's profile. */
  readonly capabilities?: ProviderCapabilities;
}

/** Shared by every provider without required betas, so the proxy can skip the merge by identity or length. */
const noBetas: readonly string[] = Object.freeze([]);
const oauthBetas: readonly string[] = Object.freeze([claudeOAuth.beta]);

const noCredentialHeaders: readonly HeaderPair[] = Object.freeze([]);

const authTypes: ReadonlySet<string> = new Set<AuthType>(['api_key', 'bearer', 'passthrough', 'oauth']);

/** Characters no HTTP field value may carry (RFC 9110 §5.5) plus DEL; a key with them would be rejected. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters in a key is the point
const controlCharacterPattern = /[\u0000-\u001f\u007f]/;

interface CredentialBehaviour {
  readonly credentialHeaders: Provider['credentialHeaders'];
  readonly invalidateCredentials: Provider['invalidateCredentials'];
}

/**
 * Creates a provider from plain options, validating everything and precomputing what the proxy needs per
 * request (origin, path prefix, frozen header pairs, model lookup). The returned object is frozen; its
 * `toJSON()`, `toString()` and `util.inspect` output never contain the key or extra header values.
 * @throws ProviderError `CCB_PROVIDER_INVALID` naming the provider and the problem (never the secret)
 */
export function createProvider(options: ProviderOptions): Provider {
  const name = options.name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw invalidProviderError(String(name ?? ''), 'name must be a non-empty string.');
  }
  const authType = options.authType ?? 'api_key';
  if (!authTypes.has(authType)) {
    throw invalidProviderError(
      name,
      'authType must be one of "api_key", "bearer", "passthrough" or "oauth".',
    );
  }
  const { origin, basePath } = parseBaseUrl(options.baseUrl, name);
  const extraHeaders = normalizeExtraHeaders(options.headers, name);
  const mapModel = createModelMapper(options.modelMap, name);
  const adapter = options.adapter;
  if (adapter !== undefined && options.apiKey !== undefined) {
    throw invalidProviderError(name, 'an adapter authenticates requests itself; remove apiKey.');
  }
  // An adapter may still take its credential from a source (Vertex's Google tokens): a failing source then fails the
  // attempt as a credential failure, and a 401 renews it, as for any provider.
  const { credentialHeaders, invalidateCredentials } =
    adapter === undefined || options.credentials !== undefined
      ? resolveCredentials(options, authType, name)
      : { credentialHeaders: () => noCredentialHeaders, invalidateCredentials: () => false };

  const description: ProviderDescription = Object.freeze({
    name,
    origin,
    basePath,
    authType,
    credentials: authType === 'passthrough' ? 'client' : '***',
    headerNames: Object.freeze(extraHeaders.map(([headerName]) => headerName)),
    modelMap: Object.freeze({ ...options.modelMap }),
  });
  const provider: Provider = {
    name,
    origin,
    basePath,
    authType,
    forwardsClientCredentials: authType === 'passthrough',
    requiredBetas: authType === 'oauth' ? oauthBetas : noBetas,
    extraHeaders,
    credentialHeaders,
    invalidateCredentials,
    mapModel,
    capabilities: options.capabilities ?? capabilitiesOfKind('anthropic', name),
    toJSON: () => description,
  };
  // Only a provider with an adapter has the key: the proxy's one check finds it absent on every other.
  if (adapter !== undefined) (provider as { adapter?: object }).adapter = adapter;
  // Own, non-enumerable: `{ ...provider }` and `Object.keys` stay the plain interface.
  Object.defineProperties(provider, {
    toString: { value: () => `[Provider ${name} ${origin}${basePath}]` },
    [inspect.custom]: {
      value: (_depth: number, inspectOptions: object, inspectValue: typeof inspect) =>
        `Provider ${inspectValue(description, inspectOptions)}`,
    },
  });
  return Object.freeze(provider);
}

function resolveCredentials(options: ProviderOptions, authType: AuthType, name: string): CredentialBehaviour {
  const { apiKey, credentials } = options;
  if (authType === 'passthrough') {
    if (apiKey !== undefined || credentials !== undefined) {
      throw invalidProviderError(
        name,
        'authType "passthrough" forwards the client\'s own credentials; remove apiKey/credentials or use "api_key" or "bearer".',
      );
    }
    return { credentialHeaders: () => passthroughHeaders, invalidateCredentials: () => false };
  }
  if (credentials !== undefined) {
    if (apiKey !== undefined) {
      throw invalidProviderError(name, 'give either apiKey or credentials, not both.');
    }
    if (typeof credentials?.headers !== 'function') {
      throw invalidProviderError(name, 'credentials must be an object with a headers() method.');
    }
    // Called as methods: a source may keep its token cache on `this`.
    return {
      credentialHeaders: () => credentials.headers(),
      invalidateCredentials: () => credentials.invalidate?.() ?? false,
    };
  }
  if (authType === 'oauth') {
    throw invalidProviderError(name, 'authType "oauth" needs credentials: an OAuth credential source.');
  }
  const pairs = staticCredentialHeaders(authType, validateApiKey(apiKey, authType, name));
  return { credentialHeaders: () => pairs, invalidateCredentials: () => false };
}

function staticCredentialHeaders(authType: 'api_key' | 'bearer', apiKey: string): readonly HeaderPair[] {
  return authType === 'bearer' ? bearerHeaders(apiKey) : apiKeyHeaders(apiKey);
}

/** Checks the key's shape only; messages say what is wrong with it, never what it is. */
function validateApiKey(apiKey: unknown, authType: AuthType, name: string): string {
  if (apiKey === undefined) {
    throw invalidProviderError(name, `apiKey is required for authType "${authType}".`);
  }
  if (typeof apiKey !== 'string' || apiKey === '') {
    throw invalidProviderError(
      name,
      'apiKey is empty or not a string; check the environment variable it is read from.',
    );
  }
  if (apiKey.trim() !== apiKey) {
    throw invalidProviderError(
      name,
      'apiKey has leading or trailing whitespace (often a newline copied with it); trim it.',
    );
  }
  if (controlCharacterPattern.test(apiKey)) {
    throw invalidProviderError(name, 'apiKey contains control characters; HTTP headers cannot carry them.');
  }
  return apiKey;
}
