import { missingCapability } from '@ccb/protocol';
import type { Tier } from './_candidate-tiers.js';
import type { PlanEntry } from './_resolve-targets.js';
import type { RouteRequest, UnsupportedRequest } from './route-request.js';

/**
 * `tiers` without the targets that lack something the request needs (its `needs`, or `countTokens` for a
 * `count_tokens` request); `tiers` itself when none is left out, so a request every target can serve allocates nothing.
 */
export function capableTiers(tiers: readonly Tier[], request: RouteRequest): readonly Tier[] {
  let filtered: Tier[] | undefined;
  for (let index = 0; index < tiers.length; index++) {
    const tier = tiers[index] as Tier;
    let kept: PlanEntry[] | undefined;
    for (let at = 0; at < tier.length; at++) {
      const entry = tier[at] as PlanEntry;
      const lacking = missingCapability(entry.capabilities, request.needs, request.api) !== undefined;
      if (lacking && kept === undefined) kept = tier.slice(0, at);
      else if (!lacking && kept !== undefined) kept.push(entry);
    }
    if (kept !== undefined && filtered === undefined) filtered = tiers.slice(0, index);
    if (filtered !== undefined) {
      const tierKept = kept ?? tier;
      if (tierKept.length > 0) filtered.push(tierKept);
    }
  }
  return filtered ?? tiers;
}

/** Why no target is left: the first candidate's missing capability, and every candidate considered, in tier order. */
export function unsupportedBy(tiers: readonly Tier[], request: RouteRequest): UnsupportedRequest {
  const providers: string[] = [];
  let capability: string | undefined;
  for (const tier of tiers) {
    for (const entry of tier) {
      providers.push(entry.name);
      capability ??= missingCapability(entry.capabilities, request.needs, request.api);
    }
  }
  return { capability: capability ?? 'a capability', providers };
}
