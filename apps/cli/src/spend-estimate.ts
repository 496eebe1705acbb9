import type { Pricing } from '@ccb/ledger';
import type { RouteRequest } from '@ccb/proxy';

/** What a request is expected to spend: what a budget reservation holds until the request settles. */
export interface SpendEstimateAmount {
  /** USD. */
  readonly costUsd: number;
  /** Tokens, counted like the ledger's `usageTokens`. */
  readonly tokens: number;
}

/** Estimates a request's spend before it is sent, and learns from what finished requests spent. */
export interface SpendEstimate {
  /** At `provider`'s price, or without one (a key's budget, before routing) at the dearest provider's. */
  estimate(route: RouteRequest, provider: string | undefined): SpendEstimateAmount;
  /** What a finished request of `model` spent. */
  learn(model: string | undefined, costUsd: number, tokens: number): void;
}

export interface SpendEstimateOptions {
  /** Prices in force (a reload replaces them). */
  readonly pricing: () => Pricing;
  /** Names of the configured providers. */
  readonly providers: () => readonly string[];
}

/** Weight of the newest request in the running average of spend per model. */
const smoothing = 0.2;
/** Models remembered; more are rare (ids come from request bodies, so bounded against a flood of made-up ones). */
const maxModels = 1000;

/**
 * The estimate is the larger of two: the prompt's size (body bytes / 4, the proxy's `inputTokens`) at the input
 * price, a floor that holds for the first request of a model; and the running average of what requests of that model
 * spent, which covers the output the prompt cannot tell. Concurrent requests stop within one request of a cap only
 * when each reserves about what it will spend.
 */
export function createSpendEstimate(options: SpendEstimateOptions): SpendEstimate {
  const averages = new Map<string, { costUsd: number; tokens: number }>();

  function inputPricePerToken(route: RouteRequest, provider: string | undefined, tokens: number): number {
    const pricing = options.pricing();
    if (provider !== undefined) return (pricing.priceFor(provider, route.model, tokens)?.input ?? 0) / 1e6;
    let dearest = 0;
    for (const name of options.providers()) {
      dearest = Math.max(dearest, pricing.priceFor(name, route.model, tokens)?.input ?? 0);
    }
    return dearest / 1e6;
  }

  return {
    estimate(route, provider) {
      const inputTokens = route.inputTokens ?? 0;
      const inputCostUsd = inputTokens * inputPricePerToken(route, provider, inputTokens);
      const average = averages.get(route.model ?? '');
      if (average === undefined) return { costUsd: inputCostUsd, tokens: inputTokens };
      return {
        costUsd: Math.max(inputCostUsd, average.costUsd),
        tokens: Math.max(inputTokens, Math.ceil(average.tokens)),
      };
    },
    learn(model, costUsd, tokens) {
      const key = model ?? '';
      const average = averages.get(key);
      if (average !== undefined) {
        average.costUsd += (costUsd - average.costUsd) * smoothing;
        average.tokens += (tokens - average.tokens) * smoothing;
      } else if (averages.size < maxModels) averages.set(key, { costUsd, tokens });
    },
  };
}
