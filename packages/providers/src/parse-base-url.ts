import { invalidProviderError } from './provider-error.js';

/** Where a provider's requests go, split so the proxy can prefix client paths without parsing URLs. */
export interface UpstreamLocation {
  /** `scheme://host[:port]`, default ports omitted, host lower-cased. */
  readonly origin: string;
  /** Path prefix without trailing slashes, `""` when none. */
  readonly basePath: string;
}

/**
 * Splits a provider `baseUrl` into origin and path prefix. Accepts http(s) only, without credentials, query or
 * fragment: the proxy appends the client's path and query, so anything after the path would end up in the
 * wrong place. Error messages never echo the URL itself, because a mistyped config may hold a key there.
 * @throws ProviderError `CCB_PROVIDER_INVALID`
 */
export function parseBaseUrl(baseUrl: string, providerName: string): UpstreamLocation {
  if (typeof baseUrl !== 'string' || !URL.canParse(baseUrl)) {
    throw invalidProviderError(
      providerName,
      'baseUrl is not an absolute URL; give one like "https://api.anthropic.com" or "https://host/api/anthropic".',
    );
  }
  const url = new URL(baseUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidProviderError(
      providerName,
      `baseUrl must use http or https, not "${url.protocol.slice(0, -1)}".`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw invalidProviderError(
      providerName,
      'baseUrl must not contain credentials (user:password@); put the key in apiKey.',
    );
  }
  // `new URL` drops an empty "?" or "#", so look at the raw text: both always start a query or fragment.
  if (baseUrl.includes('?') || baseUrl.includes('#')) {
    throw invalidProviderError(
      providerName,
      'baseUrl must not have a query or fragment; the client path and query are appended to it.',
    );
  }
  let end = url.pathname.length;
  while (end > 0 && url.pathname.charCodeAt(end - 1) === 0x2f) end--;
  return { origin: url.origin, basePath: url.pathname.slice(0, end) };
}
