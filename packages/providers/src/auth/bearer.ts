import type { HeaderPair } from '../provider.js';

/** `Authorization: Bearer <token>` (OpenRouter, Z.AI, Bedrock API keys). Frozen, built once. */
export function bearerHeaders(token: string): readonly HeaderPair[] {
  return Object.freeze([Object.freeze(['authorization', `Bearer ${token}`] as const)]);
}
