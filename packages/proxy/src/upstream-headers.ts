import { type BetaFilter, filterAnthropicBeta } from './beta-filter.js';
import type { ClientHeaders } from './hop-by-hop.js';
import { mergeAnthropicBeta } from './merge-anthropic-beta.js';
import type { UpstreamTarget } from './ports.js';

/**
 * The headers of one upstream attempt, as undici's flat list: the client's end-to-end headers, then either the
 * client's own credentials (passthrough) or the provider's, the provider's required `anthropic-beta` values merged
 * into the client's (after `betaFilter` removed the flags the provider does not accept), its extra headers, the
 * request id, `via` and the length of the (possibly rewritten) body.
 */
export function upstreamHeaders(
  client: ClientHeaders,
  target: UpstreamTarget,
  credentials: readonly (readonly [string, string])[],
  requestId: string,
  via: string,
  body: { readonly length: number } | null,
  betaFilter?: BetaFilter,
): string[] {
  const headers = client.forward.slice();
  if (betaFilter !== undefined) filterAnthropicBeta(headers, betaFilter);
  if (target.forwardsClientCredentials) {
    if (client.apiKey !== undefined) headers.push('x-api-key', client.apiKey);
    if (client.authorization !== undefined) headers.push('authorization', client.authorization);
  } else {
    for (const [name, value] of credentials) headers.push(name, value);
  }
  const requiredBetas = target.requiredBetas;
  if (requiredBetas !== undefined && requiredBetas.length > 0) mergeAnthropicBeta(headers, requiredBetas);
  for (const [name, value] of target.extraHeaders) headers.push(name, value);
  headers.push('x-request-id', requestId, 'via', client.via === undefined ? via : `${client.via}, ${via}`);
  if (body !== null) headers.push('content-length', String(body.length));
  return headers;
}
