/**
 * Adds the provider's required `anthropic-beta` values to an upstream header list in place: appended to the
 * client's comma-separated list when it sent one (its values and order kept, a value already there not repeated),
 * a new header otherwise. Node joins repeated client headers into one value, so there is at most one entry.
 * E.g. an OAuth account needs `oauth-2025-04-20` on top of whatever betas Claude Code asks for (protocol notes §8).
 */
export function mergeAnthropicBeta(headers: string[], requiredBetas: readonly string[]): void {
  for (let index = 0; index < headers.length; index += 2) {
    if (headers[index] !== 'anthropic-beta') continue;
    const value = headers[index + 1] ?? '';
    const present = value.split(',').map((token) => token.trim());
    let merged = value;
    for (const beta of requiredBetas) {
      if (present.includes(beta)) continue;
      merged = merged.trim() === '' ? beta : `${merged},${beta}`;
      present.push(beta);
    }
    headers[index + 1] = merged;
    return;
  }
  headers.push('anthropic-beta', requiredBetas.join(','));
}
