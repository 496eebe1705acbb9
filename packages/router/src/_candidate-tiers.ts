import type { PlanEntry } from './_resolve-targets.js';
import type { PriceOf } from './route-request.js';

/** Enabled targets of one priority, in configuration order. */
export type Tier = readonly PlanEntry[];

/** Gives the tiers that serve a model, with prices attached, cached per model. */
export interface CandidateTiers {
  forModel(model: string | undefined): readonly Tier[];
}

/** Distinct model names cached with their tiers; clients choose model names, so the cache is capped. */
const maxCachedModels = 256;

/**
 * Caches, per model, `baseTiers` filtered to the targets serving it (`models` globs) and priced by `priceOf`.
 * When nothing filters and nothing is priced, `baseTiers` itself is returned: no lookup, no copy.
 */
export function createCandidateTiers(
  baseTiers: readonly Tier[],
  priceOf: PriceOf | undefined,
): CandidateTiers {
  const filtersModels = baseTiers.some((tier) => tier.some((entry) => entry.matchesModel !== undefined));
  if (!filtersModels && priceOf === undefined) return { forModel: () => baseTiers };

  const tiersByModel = new Map<string, readonly Tier[]>();
  let tiersWithoutModel: readonly Tier[] | undefined;

  function build(model: string | undefined): readonly Tier[] {
    const tiers: Tier[] = [];
    for (const tier of baseTiers) {
      const serving: PlanEntry[] = [];
      for (const entry of tier) {
        if (model !== undefined && entry.matchesModel !== undefined && !entry.matchesModel(model)) continue;
        serving.push(priceOf === undefined ? entry : { ...entry, price: priceOf(entry.name, model) });
      }
      // Not frozen, like the base tiers: frozen arrays iterate slower, and these never leave the router.
      if (serving.length > 0) tiers.push(serving);
    }
    return tiers;
  }

  return {
    forModel(model) {
      if (model === undefined) {
        // A request without a model matches every target; only prices can differ from the base tiers.
        if (priceOf === undefined) return baseTiers;
        tiersWithoutModel ??= build(undefined);
        return tiersWithoutModel;
      }
      let tiers = tiersByModel.get(model);
      if (tiers === undefined) {
        tiers = build(model);
        if (tiersByModel.size >= maxCachedModels) tiersByModel.clear();
        tiersByModel.set(model, tiers);
      }
      return tiers;
    },
  };
}
