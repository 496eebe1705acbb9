import type { RoutingCandidate, RoutingStrategy, StrategyOptions } from './routing-strategy.js';
import { weighted } from './weighted.js';

/** Unknown (absent or NaN) prices rank after every known one. */
function priceRank(candidate: RoutingCandidate): number {
  const price = candidate.price;
  return price === undefined || Number.isNaN(price) ? Number.POSITIVE_INFINITY : price;
}

/** Stable insertion sort by ascending price; tiers hold a handful of candidates. */
function sortByPrice<Candidate extends RoutingCandidate>(candidates: readonly Candidate[]): Candidate[] {
  const sorted: Candidate[] = [];
  for (const candidate of candidates) {
    const price = priceRank(candidate);
    let position = sorted.length;
    while (position > 0 && priceRank(sorted[position - 1] as Candidate) > price) position -= 1;
    sorted.splice(position, 0, candidate);
  }
  return sorted;
}

/**
 * Cost: the cheapest candidate first, the rest by ascending `price` (USD per million tokens, as the router's
 * `priceOf` gave it; unknown = most expensive). Candidates of equal price share their turns by smooth
 * weighted round-robin (see {@link weighted}), so two accounts of the same provider split the traffic by
 * `weight` instead of one taking it all. Without prices it behaves exactly like `weighted`.
 */
export function cost(options: StrategyOptions = {}): RoutingStrategy {
  const withinPrice = weighted(options);

  function arrange<Candidate extends RoutingCandidate>(
    candidates: readonly Candidate[],
    advance: boolean,
  ): Candidate[] {
    const count = candidates.length;
    let sorted = true;
    let uniform = true;
    for (let index = 1; index < count; index++) {
      const previous = priceRank(candidates[index - 1] as Candidate);
      const current = priceRank(candidates[index] as Candidate);
      if (previous !== current) uniform = false;
      if (previous > current) sorted = false;
    }
    // The common case of one price (or none known) needs no sorting and no band arrays.
    if (uniform) {
      return advance ? withinPrice.order(candidates) : (withinPrice.peek?.(candidates) ?? candidates.slice());
    }

    const byPrice = sorted ? candidates : sortByPrice(candidates);
    const ordered: Candidate[] = [];
    let bandStart = 0;
    for (let index = 1; index <= count; index++) {
      const bandPrice = priceRank(byPrice[bandStart] as Candidate);
      if (index < count && priceRank(byPrice[index] as Candidate) === bandPrice) continue;
      if (index - bandStart === 1) {
        ordered.push(byPrice[bandStart] as Candidate);
      } else {
        const band = byPrice.slice(bandStart, index);
        const bandOrder = advance ? withinPrice.order(band) : (withinPrice.peek?.(band) ?? band);
        for (const candidate of bandOrder) ordered.push(candidate);
      }
      bandStart = index;
    }
    return ordered;
  }

  return {
    name: 'cost',
    order: (candidates) => arrange(candidates, true),
    peek: (candidates) => arrange(candidates, false),
  };
}
