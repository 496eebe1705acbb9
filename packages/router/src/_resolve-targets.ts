import {
  anthropicSignatureDomain,
  compileModelGlobs,
  hasCapabilityGaps,
  type ModelMatcher,
  type ProviderCapabilities,
} from '@ccb/protocol';
import type { RouteTarget } from './route-target.js';
import { RouterError } from './router-error.js';
import type { RoutingCandidate } from './routing-strategy.js';

/** A configured target with defaults applied and its model globs compiled, precomputed once per router. */
export interface PlanEntry extends RoutingCandidate {
  readonly name: string;
  readonly weight: number;
  readonly priority: number;
  readonly enabled: boolean;
  /** `undefined` = serves every model. */
  readonly matchesModel: ModelMatcher | undefined;
  /** `undefined` = an API key. */
  readonly subscription: 'oauth' | 'client' | undefined;
  /** `undefined` = the first-party API's profile, which has everything. */
  readonly capabilities: ProviderCapabilities | undefined;
  /** Its thinking-signature domain (`anthropic` when no capabilities are given). */
  readonly domain: string;
}

/** Targets validated and prepared for planning. */
export interface ResolvedTargets {
  /** Frozen copies of the configured targets, in configuration order. */
  readonly targets: readonly RouteTarget[];
  /** Every target, by name. */
  readonly entriesByName: ReadonlyMap<string, PlanEntry>;
  /** Enabled targets grouped by priority, best tier first; each tier in configuration order. */
  readonly tiers: readonly (readonly PlanEntry[])[];
  /** `true` when at least one enabled target restricts its models (otherwise model filtering is skipped). */
  readonly filtersModels: boolean;
  /** `true` when at least one enabled target is a subscription (otherwise plans skip subscription ordering). */
  readonly hasSubscriptions: boolean;
  /** `true` when at least one enabled target is an `oauth` subscription (only then does `fromClaudeCode` matter). */
  readonly hasOAuth: boolean;
  /** `true` when some enabled target lacks a capability a request may need (only then are plans filtered by needs). */
  readonly capabilityGaps: boolean;
  /** `true` when enabled targets span more than one signature domain (only then does a session's domain matter). */
  readonly multipleDomains: boolean;
}

/**
 * Validates targets and precomputes tiers and model matchers.
 * @throws {RouterError} `CCB_ROUTER_INVALID_TARGET` on an empty or duplicate name, a non-positive weight, a
 * non-finite priority or a malformed model list.
 */
export function resolveTargets(targets: readonly RouteTarget[]): ResolvedTargets {
  if (!Array.isArray(targets)) {
    throw invalid(
      'targets must be an array of { name, weight?, priority?, enabled?, models?, subscription?, capabilities? } objects',
    );
  }
  const frozenTargets: RouteTarget[] = [];
  const entriesByName = new Map<string, PlanEntry>();
  const tiersByPriority = new Map<number, PlanEntry[]>();
  let filtersModels = false;
  let hasSubscriptions = false;
  let hasOAuth = false;
  let capabilityGaps = false;
  let firstDomain: string | undefined;
  let multipleDomains = false;

  for (const [index, target] of targets.entries()) {
    const where = `route target #${index + 1}`;
    if (typeof target !== 'object' || target === null) throw invalid(`${where} must be an object`);
    const { name, weight = 1, priority = 1, enabled = true, models, subscription, capabilities } = target;
    if (typeof name !== 'string' || name.length === 0) {
      throw invalid(`${where} needs a non-empty string "name"`);
    }
    const label = `${where} ("${name}")`;
    if (entriesByName.has(name)) throw invalid(`${label} repeats a name; give every target a unique name`);
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
      throw invalid(`${label}: "weight" must be a positive finite number, got ${String(weight)}`);
    }
    if (typeof priority !== 'number' || !Number.isFinite(priority)) {
      throw invalid(`${label}: "priority" must be a finite number, got ${String(priority)}`);
    }
    if (typeof enabled !== 'boolean') throw invalid(`${label}: "enabled" must be true or false`);
    if (
      models !== undefined &&
      (!Array.isArray(models) || !models.every((glob) => typeof glob === 'string'))
    ) {
      throw invalid(`${label}: "models" must be a list of model-name globs such as "claude-*"`);
    }
    if (subscription !== undefined && subscription !== 'oauth' && subscription !== 'client') {
      throw invalid(
        `${label}: "subscription" must be "oauth", "client" or absent, got ${String(subscription)}`,
      );
    }
    if (capabilities !== undefined && !isCapabilities(capabilities)) {
      throw invalid(
        `${label}: "capabilities" must be a ProviderCapabilities object (capabilitiesOfKind from @ccb/protocol)`,
      );
    }

    const entry: PlanEntry = {
      name,
      weight,
      priority,
      enabled,
      matchesModel: compileModelGlobs(models),
      subscription,
      capabilities,
      domain: capabilities?.signatureDomain ?? anthropicSignatureDomain,
    };
    entriesByName.set(name, entry);
    frozenTargets.push(
      Object.freeze({ ...target, ...(models === undefined ? {} : { models: Object.freeze([...models]) }) }),
    );
    if (!enabled) continue;
    if (entry.matchesModel !== undefined) filtersModels = true;
    if (subscription !== undefined) hasSubscriptions = true;
    if (subscription === 'oauth') hasOAuth = true;
    if (hasCapabilityGaps(capabilities)) capabilityGaps = true;
    firstDomain ??= entry.domain;
    if (entry.domain !== firstDomain) multipleDomains = true;
    const tier = tiersByPriority.get(priority);
    if (tier === undefined) tiersByPriority.set(priority, [entry]);
    else tier.push(entry);
  }

  const tiers = [...tiersByPriority.entries()]
    .sort(([left], [right]) => left - right)
    // Not frozen: V8 iterates frozen arrays on a slower path, and plans iterate tiers on every request. They
    // never leave the router.
    .map(([, entries]) => entries);
  return {
    targets: Object.freeze(frozenTargets),
    entriesByName,
    tiers,
    filtersModels,
    hasSubscriptions,
    hasOAuth,
    capabilityGaps,
    multipleDomains,
  };
}

/** The fields planning reads, with their types: a malformed profile would otherwise fail on every request. */
function isCapabilities(value: unknown): value is ProviderCapabilities {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof ProviderCapabilities, unknown>>;
  return (
    (candidate.serverTools === 'all' || Array.isArray(candidate.serverTools)) &&
    typeof candidate.contextManagement === 'boolean' &&
    typeof candidate.countTokens === 'boolean' &&
    typeof candidate.context1m === 'boolean' &&
    typeof candidate.signatureDomain === 'string' &&
    candidate.signatureDomain !== ''
  );
}

function invalid(problem: string): RouterError {
  return new RouterError('CCB_ROUTER_INVALID_TARGET', `Invalid router configuration: ${problem}.`);
}
