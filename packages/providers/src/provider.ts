import type { ProviderCapabilities } from '@ccb/protocol';

/** How a provider authenticates upstream; `oauth` is a Claude subscription account (its tokens come from `credentials`). */
export type AuthType = 'api_key' | 'bearer' | 'passthrough' | 'oauth';

/** One HTTP header as a lower-case name and its value. */
export type HeaderPair = readonly [name: string, value: string];

/**
 * The async seam for credentials that are fetched or refreshed (OAuth accounts, token stores). It supplies the
 * credential headers instead of a static `apiKey`. Single-flight refresh and expiry are the source's job.
 */
export interface CredentialSource {
  /**
   * The credential header(s) to send upstream, lower-case names. Return a plain array while a cached credential
   * is valid so the hot path stays synchronous; return a Promise only while fetching or refreshing.
   */
  headers(): readonly HeaderPair[] | Promise<readonly HeaderPair[]>;
  /**
   * Called after an upstream 401: drop or refresh the credential. Resolve `true` when a retry with fresh
   * credentials is worth it, `false` when nothing changed. Omitted: treated as `false`.
   */
  invalidate?(): boolean | Promise<boolean>;
}

/** What a provider shows of itself in `toJSON()` and `util.inspect`: never a credential or header value. */
export interface ProviderDescription {
  readonly name: string;
  readonly origin: string;
  readonly basePath: string;
  readonly authType: AuthType;
  /** `"***"` when the provider sends its own credential, `"client"` for passthrough. */
  readonly credentials: '***' | 'client';
  /** Names of the extra headers; their values may be secret and are left out. */
  readonly headerNames: readonly string[];
  readonly modelMap: Readonly<Record<string, string>>;
}

/**
 * One upstream: where to send a Claude Code request and with which credential, extra headers and model name.
 * Everything here is precomputed at creation because the proxy consults it on every request.
 */
export interface Provider {
  readonly name: string;
  /** `scheme://host[:port]` of the upstream, default ports omitted, e.g. `"https://api.anthropic.com"`. */
  readonly origin: string;
  /**
   * Path prefix without a trailing slash, `""` when none, e.g. `"/api/anthropic"`; the proxy sends
   * `basePath` + the client's path (query included).
   */
  readonly basePath: string;
  readonly authType: AuthType;
  /** `true` for passthrough: the client's own `x-api-key` / `authorization` go upstream untouched. */
  readonly forwardsClientCredentials: boolean;
  /**
   * `anthropic-beta` values the upstream needs whatever the client sent, merged into the client's list by the
   * proxy: `["oauth-2025-04-20"]` for `oauth` (without it the Messages API answers an OAuth Bearer with 401,
   * protocol notes §8), otherwise one shared frozen empty array. Frozen.
   */
  readonly requiredBetas: readonly string[];
  /** Headers this provider always adds (config `headers`), lower-case names, frozen. */
  readonly extraHeaders: readonly HeaderPair[];
  /**
   * The credential header(s) to send: the same frozen array on every call for static keys, a Promise when an
   * async {@link CredentialSource} is fetching or refreshing. Empty for passthrough.
   */
  credentialHeaders(): readonly HeaderPair[] | Promise<readonly HeaderPair[]>;
  /** Called after an upstream 401 so an async credential can refresh once; static keys return `false`. */
  invalidateCredentials(): boolean | Promise<boolean>;
  /**
   * The model name to send upstream for a requested model, or `undefined` when no mapping applies or the
   * mapping gives the same name (send the body as is).
   */
  mapModel(model: string): string | undefined;
  /** What the upstream accepts of the Messages API (betas, server tools, …) and whose key signs its thinking blocks. */
  readonly capabilities: ProviderCapabilities;
  /** The adapter given at creation (an upstream that does not speak the Messages API on the wire), opaque here. */
  readonly adapter?: object;
  /** A secret-free description; also what `JSON.stringify` and `util.inspect` show. */
  toJSON(): ProviderDescription;
}
