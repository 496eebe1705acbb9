import type { HeaderPair } from './provider.js';
import { invalidProviderError } from './provider-error.js';

/**
 * Header names a provider's `headers` may not set: hop-by-hop and framing headers belong to each connection
 * (RFC 9110 §7.6.1) and undici rejects several of them; credentials come only from `apiKey` or a
 * `CredentialSource`, so config cannot smuggle a second, conflicting one.
 */
const forbiddenHeaderNames: ReadonlySet<string> = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'http2-settings',
  'x-api-key',
  'authorization',
  'proxy-authorization',
]);

/** RFC 9110 §5.6.2 token: the characters a field name may use. */
const headerNamePattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** RFC 9110 §5.5: a field value never contains CR, LF or NUL (they would split or end the header). */
const invalidHeaderValuePattern = /[\r\n\0]/;

const noHeaders: readonly HeaderPair[] = Object.freeze([]);

/**
 * Validates config `headers` and turns them into frozen lower-case pairs, once, at provider creation.
 * Messages name the header but never its value, which may be a secret.
 * @throws ProviderError `CCB_PROVIDER_INVALID`
 */
export function normalizeExtraHeaders(
  headers: Readonly<Record<string, string>> | undefined,
  providerName: string,
): readonly HeaderPair[] {
  if (headers === undefined) return noHeaders;
  if (typeof headers !== 'object' || headers === null) {
    throw invalidProviderError(providerName, 'headers must be an object of header names to string values.');
  }
  const pairs: HeaderPair[] = [];
  const seenNames = new Set<string>();
  for (const [rawName, value] of Object.entries(headers)) {
    if (!headerNamePattern.test(rawName)) {
      throw invalidProviderError(providerName, `header name "${rawName}" is not a valid HTTP field name.`);
    }
    const name = rawName.toLowerCase();
    if (forbiddenHeaderNames.has(name)) {
      throw invalidProviderError(
        providerName,
        `headers must not set "${name}": ${
          name === 'x-api-key' || name === 'authorization' || name === 'proxy-authorization'
            ? 'set the credential with apiKey and authType instead.'
            : 'it is a per-connection header the proxy manages.'
        }`,
      );
    }
    if (seenNames.has(name)) {
      throw invalidProviderError(providerName, `header "${name}" is set twice (names are case-insensitive).`);
    }
    if (typeof value !== 'string' || invalidHeaderValuePattern.test(value)) {
      throw invalidProviderError(
        providerName,
        `header "${name}" must have a string value without line breaks or NUL characters.`,
      );
    }
    seenNames.add(name);
    pairs.push(Object.freeze([name, value] as const));
  }
  return Object.freeze(pairs);
}
