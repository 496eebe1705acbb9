import type { HeaderPair } from '../provider.js';

/** Anthropic's own scheme (and DeepSeek's, Moonshot's): the key in `x-api-key`. Frozen, built once. */
export function apiKeyHeaders(apiKey: string): readonly HeaderPair[] {
  return Object.freeze([Object.freeze(['x-api-key', apiKey] as const)]);
}
