import { compileModelGlob, type ModelMatcher, parseModelId, type Usage } from '@ccb/protocol';
import { validatePartialPrice, validatePriceTable } from './_validate-price.js';
import { defaultPriceTable } from './default-price-table.js';
import { LedgerError } from './ledger-error.js';
import { costOf, type Price, type PriceTable, type PriceTier, promptTokens } from './price.js';

/** How one provider's prices differ from the table. */
export interface ProviderPricing {
  /**
   * Scales the table price (every field, tiers included): `0.6` for a reseller at 60 %, `0` for a subscription
   * account (zero marginal cost; then every model is free, unknown ones too). Default `1`.
   */
  readonly multiplier?: number;
  /**
   * Prices by model glob (`*`, `?`, case-sensitive, whole id as sent), first match in insertion order wins.
   * `'free'` prices the model at zero. A partial price replaces the named fields and keeps the table's other
   * fields (scaled by `multiplier`); the override itself is what the provider charges and is not scaled. It also
   * replaces any long-prompt tier. For a model the table does not know, the override must give `input` and
   * `output`; missing cache fields then follow Anthropic's ratios (write 5 m 1.25×, write 1 h 2×, read 0.1× input).
   */
  readonly models?: Readonly<Record<string, Partial<Price> | 'free'>>;
}

/** Options of {@link createPricing}. */
export interface PricingOptions {
  /** Replaces the built-in {@link defaultPriceTable} (e.g. loaded from a file by the CLI); validated here. */
  readonly table?: PriceTable;
  /** Per-provider overrides, by provider name. */
  readonly providers?: Readonly<Record<string, ProviderPricing>>;
  /**
   * Called once per provider and model that has no price (the first time it is asked for), so the caller can log
   * it once. `model` is `undefined` when the request named none.
   */
  readonly onUnknownModel?: (model: string | undefined, provider: string) => void;
}

/** Prices and costs by provider and model. All prices in USD per million tokens, costs in USD. */
export interface Pricing {
  /**
   * The price `provider` charges for `model`, or `undefined` when no table entry or override matches (never a
   * guess). `promptTokens` (input + cache write + cache read tokens of the request) selects a long-prompt tier;
   * without it the base price applies. The result is frozen and shared: do not mutate it.
   */
  priceFor(provider: string, model: string | undefined, promptTokens?: number): Price | undefined;
  /** The cost of `usage` at `price` in USD; see {@link costOf}. */
  costOf(usage: Usage, price: Price): number;
  /** `priceFor` with the request's prompt size, then `costOf`: the USD cost of one response, or `undefined`. */
  costFor(provider: string, model: string | undefined, usage: Usage): number | undefined;
  /**
   * One comparable number for cost routing, in USD per million tokens: the blend `input × 0.8 + output × 0.2` of
   * the base price (Claude Code prompts are large and answers short). `undefined` when there is no price.
   */
  effectivePrice(provider: string, model: string | undefined): number | undefined;
}

interface ResolvedPrice {
  readonly base: Price;
  readonly tier: PriceTier | undefined;
  readonly effective: number;
}

interface CompiledOverride {
  readonly matches: ModelMatcher;
  readonly price: Partial<Price> | 'free';
}

interface ProviderState {
  readonly multiplier: number;
  readonly overrides: readonly CompiledOverride[];
  /** Resolutions by model id; `null` = no price. */
  readonly byModel: Map<string, ResolvedPrice | null>;
  withoutModel: ResolvedPrice | null | undefined;
}

/** Model ids are client input: bound the per-provider cache so that random ids cannot grow it without end. */
const maxCachedModels = 1000;
const inputShare = 0.8;
const outputShare = 0.2;

const zeroPrice: Price = Object.freeze({
  input: 0,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
  cacheRead: 0,
  output: 0,
});
const zeroResolved: ResolvedPrice = Object.freeze({ base: zeroPrice, tier: undefined, effective: 0 });

function resolved(base: Price, tier: PriceTier | undefined): ResolvedPrice {
  return Object.freeze({ base, tier, effective: base.input * inputShare + base.output * outputShare });
}

function scale(price: Price, multiplier: number): Price {
  if (multiplier === 1) return price;
  return Object.freeze({
    input: price.input * multiplier,
    cacheWrite5m: price.cacheWrite5m * multiplier,
    cacheWrite1h: price.cacheWrite1h * multiplier,
    cacheRead: price.cacheRead * multiplier,
    output: price.output * multiplier,
  });
}

function invalidProvider(provider: string, problem: string): LedgerError {
  return new LedgerError('CCB_LEDGER_INVALID_PRICES', `Invalid prices at providers.${provider}: ${problem}`);
}

function compileProvider(name: string, pricing: ProviderPricing | undefined): ProviderState {
  const multiplier = pricing?.multiplier ?? 1;
  if (typeof multiplier !== 'number' || !Number.isFinite(multiplier) || multiplier < 0) {
    throw invalidProvider(name, `multiplier must be a finite number ≥ 0, got ${String(multiplier)}`);
  }
  const overrides: CompiledOverride[] = [];
  const models = pricing?.models;
  if (models !== undefined) {
    if (typeof models !== 'object' || models === null)
      throw invalidProvider(name, 'models must be an object');
    for (const [glob, price] of Object.entries(models)) {
      overrides.push({
        matches: compileModelGlob(glob),
        price: price === 'free' ? 'free' : validatePartialPrice(price, `providers.${name}.models.${glob}`),
      });
    }
  }
  return { multiplier, overrides, byModel: new Map(), withoutModel: undefined };
}

/**
 * Creates the price lookup: the built-in table (or `options.table`) matched by model family, with per-provider
 * multipliers and per-model overrides. Lookups are cached per provider and model, so `priceFor` on the request
 * path is two Map reads after the first call.
 *
 * @throws {LedgerError} `CCB_LEDGER_INVALID_PRICES` for a malformed table or override (the message gives the path).
 */
export function createPricing(options: PricingOptions = {}): Pricing {
  const table = options.table === undefined ? defaultPriceTable : validatePriceTable(options.table);
  const familyIndex = new Map<string, number>();
  const patterns: { readonly index: number; readonly matches: ModelMatcher }[] = [];
  table.forEach((entry, index) => {
    if (entry.family !== undefined) {
      if (!familyIndex.has(entry.family)) familyIndex.set(entry.family, index);
    } else if (entry.pattern !== undefined) {
      patterns.push({ index, matches: compileModelGlob(entry.pattern) });
    }
  });

  const states = new Map<string, ProviderState>();
  const configured = options.providers ?? {};
  for (const name of Object.keys(configured)) states.set(name, compileProvider(name, configured[name]));
  const onUnknownModel = options.onUnknownModel;

  function tableEntry(model: string) {
    const family = parseModelId(model)?.canonical;
    let found = family === undefined ? undefined : familyIndex.get(family);
    for (const pattern of patterns) {
      if (found !== undefined && pattern.index > found) break;
      if (pattern.matches(model)) {
        found = pattern.index;
        break;
      }
    }
    return found === undefined ? undefined : table[found];
  }

  function resolve(state: ProviderState, model: string | undefined): ResolvedPrice | null {
    const { multiplier } = state;
    if (model !== undefined) {
      for (const override of state.overrides) {
        if (!override.matches(model)) continue;
        if (override.price === 'free') return zeroResolved;
        const listed = tableEntry(model);
        const base = listed === undefined ? undefined : scale(listed.price, multiplier);
        const merged = mergeOverride(override.price, base);
        return merged === undefined ? null : resolved(merged, undefined);
      }
      const listed = tableEntry(model);
      if (listed !== undefined) {
        const tier = listed.tier;
        return resolved(
          scale(listed.price, multiplier),
          tier === undefined || multiplier === 1
            ? tier
            : Object.freeze({
                promptTokensAbove: tier.promptTokensAbove,
                price: scale(tier.price, multiplier),
              }),
        );
      }
    }
    return multiplier === 0 ? zeroResolved : null;
  }

  function lookup(provider: string, model: string | undefined): ResolvedPrice | null {
    let state = states.get(provider);
    if (state === undefined) {
      state = compileProvider(provider, undefined);
      states.set(provider, state);
    }
    let result: ResolvedPrice | null | undefined;
    if (model === undefined) {
      result = state.withoutModel;
      if (result !== undefined) return result;
      result = resolve(state, undefined);
      state.withoutModel = result;
    } else {
      result = state.byModel.get(model);
      if (result !== undefined) return result;
      result = resolve(state, model);
      if (state.byModel.size >= maxCachedModels) state.byModel.clear();
      state.byModel.set(model, result);
    }
    if (result === null) onUnknownModel?.(model, provider);
    return result;
  }

  function priceFor(provider: string, model: string | undefined, promptSize?: number): Price | undefined {
    const found = lookup(provider, model);
    if (found === null) return undefined;
    const tier = found.tier;
    return tier !== undefined && promptSize !== undefined && promptSize > tier.promptTokensAbove
      ? tier.price
      : found.base;
  }

  return {
    priceFor,
    costOf,
    costFor(provider, model, usage) {
      const price = priceFor(provider, model, promptTokens(usage));
      return price === undefined ? undefined : costOf(usage, price);
    },
    effectivePrice(provider, model) {
      const found = lookup(provider, model);
      return found === null ? undefined : found.effective;
    },
  };
}

const cacheWrite5mRatio = 1.25;
const cacheWrite1hRatio = 2;
const cacheReadRatio = 0.1;

function mergeOverride(override: Partial<Price>, base: Price | undefined): Price | undefined {
  if (base !== undefined) return Object.freeze({ ...base, ...override });
  const { input, output } = override;
  if (input === undefined || output === undefined) return undefined;
  return Object.freeze({
    input,
    cacheWrite5m: override.cacheWrite5m ?? input * cacheWrite5mRatio,
    cacheWrite1h: override.cacheWrite1h ?? input * cacheWrite1hRatio,
    cacheRead: override.cacheRead ?? input * cacheReadRatio,
    output,
  });
}
