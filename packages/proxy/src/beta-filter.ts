import { context1mBeta, contextManagementBeta, type ProviderCapabilities } from '@ccb/protocol';

/**
 * Keeps the `anthropic-beta` flags one provider accepts from a client's comma-separated list, in the client's order;
 * `''` when none is left (the header is then dropped). A value with nothing to remove comes back as is.
 */
export type BetaFilter = (value: string) => string;

/**
 * The filter of a provider's capabilities, or `undefined` when it takes every flag the client sends: `betas: all`
 * and both the 1M window and context management. Built once per upstream, so a provider that takes everything costs
 * nothing per request.
 *
 * Why: Bedrock and Vertex answer an unknown flag with a 400 "invalid beta flag" (protocol notes §10), and a Claude Code
 * update adding one broke gateways' Bedrock routes. A provider without the 1M window or context management gets
 * neither beta: routing sent it the request only because the request does not depend on them (a request that fits
 * the standard window; Claude Code's keep-all `clear_thinking` edit, which ccb removes for it).
 */
export function betaFilterOf(capabilities: ProviderCapabilities | undefined): BetaFilter | undefined {
  if (capabilities === undefined) return undefined;
  const accepted = capabilities.betas === 'all' ? undefined : new Set(capabilities.betas);
  const refused = new Set<string>();
  if (!capabilities.context1m) refused.add(context1mBeta);
  if (!capabilities.contextManagement) refused.add(contextManagementBeta);
  if (accepted === undefined && refused.size === 0) return undefined;
  return (value) => {
    const flags = value.split(',');
    let kept: string | undefined;
    let removed = false;
    for (const raw of flags) {
      const flag = raw.trim();
      if (flag === '') continue;
      if (refused.has(flag) || (accepted !== undefined && !accepted.has(flag))) {
        removed = true;
        continue;
      }
      kept = kept === undefined ? flag : `${kept},${flag}`;
    }
    if (!removed) return value;
    return kept ?? '';
  };
}

/** Applies `filter` to the `anthropic-beta` entry of a flat upstream header list in place, dropping it when empty. */
export function filterAnthropicBeta(headers: string[], filter: BetaFilter): void {
  for (let index = 0; index < headers.length; index += 2) {
    if (headers[index] !== 'anthropic-beta') continue;
    const kept = filter(headers[index + 1] ?? '');
    if (kept === '') headers.splice(index, 2);
    else headers[index + 1] = kept;
    return;
  }
}
