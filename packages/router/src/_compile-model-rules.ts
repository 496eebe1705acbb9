import {
  compileModelGlobs,
  type ModelFamily,
  type ModelMatcher,
  modelFamilies,
  parseModelId,
} from '@ccb/protocol';
import type { ModelRule } from './model-rule.js';
import type { RouteRequest } from './route-request.js';
import { RouterError } from './router-error.js';

/** A validated {@link ModelRule} with its glob and family pattern compiled once, at router creation. */
export interface CompiledModelRule {
  readonly name: string;
  /** Position in the rule list; keys the rule's candidate cache. */
  readonly index: number;
  /** The model to send instead, or `undefined` to keep the requested one. */
  readonly model: string | undefined;
  /** Provider names of the rule's group, or `undefined` for every provider. */
  readonly providers: ReadonlySet<string> | undefined;
  readonly matchesModel: ModelMatcher | undefined;
  readonly family: ModelFamily | undefined;
  readonly thinking: boolean | undefined;
  readonly minInputTokens: number | undefined;
}

const matchFields = new Set(['model', 'family', 'thinking', 'minInputTokens']);
const ruleFields = new Set(['name', 'match', 'providers', 'model']);

/** Whether `rule` applies to `request`; every given match field must hold. */
export function ruleMatches(rule: CompiledModelRule, request: RouteRequest): boolean {
  if (rule.matchesModel !== undefined || rule.family !== undefined) {
    const model = request.model;
    if (model === undefined) return false;
    if (rule.matchesModel !== undefined && !rule.matchesModel(model)) return false;
    if (rule.family !== undefined && parseModelId(model)?.family !== rule.family) return false;
  }
  if (rule.thinking !== undefined && (request.thinking === true) !== rule.thinking) return false;
  if (rule.minInputTokens !== undefined) {
    const inputTokens = request.inputTokens;
    if (inputTokens === undefined || !(inputTokens >= rule.minInputTokens)) return false;
  }
  return true;
}

/** The first rule that applies to `request`, or `undefined`. */
export function findModelRule(
  rules: readonly CompiledModelRule[],
  request: RouteRequest,
): CompiledModelRule | undefined {
  for (const rule of rules) if (ruleMatches(rule, request)) return rule;
  return undefined;
}

/**
 * Validates and compiles model rules against the configured target names.
 * @throws {RouterError} `CCB_ROUTER_INVALID_RULE` naming the rule and the field.
 */
export function compileModelRules(
  rules: readonly ModelRule[] | undefined,
  targetNames: ReadonlySet<string>,
): readonly CompiledModelRule[] {
  if (rules === undefined) return [];
  if (!Array.isArray(rules)) throw invalid('rules must be a list of { name, match, providers?, model? }');
  const names = new Set<string>();
  return rules.map((rule: ModelRule, index): CompiledModelRule => {
    const where = `model rule #${index + 1}`;
    if (typeof rule !== 'object' || rule === null) throw invalid(`${where} must be an object`);
    const { name, match, providers, model } = rule;
    if (typeof name !== 'string' || name.length === 0)
      throw invalid(`${where} needs a non-empty string "name"`);
    const label = `${where} ("${name}")`;
    if (names.has(name)) throw invalid(`${label} repeats a name; give every rule a unique name`);
    names.add(name);
    for (const field of Object.keys(rule)) {
      if (!ruleFields.has(field)) throw invalid(`${label} has an unknown field "${field}"`);
    }
    if (typeof match !== 'object' || match === null || Array.isArray(match)) {
      throw invalid(`${label} needs a "match" object ({} matches every request)`);
    }
    for (const field of Object.keys(match)) {
      if (!matchFields.has(field)) {
        throw invalid(`${label}: unknown match field "${field}"; use ${[...matchFields].join(', ')}`);
      }
    }
    if (match.model !== undefined && (typeof match.model !== 'string' || match.model.length === 0)) {
      throw invalid(`${label}: "match.model" must be a non-empty model glob such as "claude-haiku-*"`);
    }
    if (match.family !== undefined && !modelFamilies.includes(match.family)) {
      throw invalid(
        `${label}: "match.family" must be one of ${modelFamilies.join(', ')}, got ${JSON.stringify(match.family)}`,
      );
    }
    if (match.thinking !== undefined && typeof match.thinking !== 'boolean') {
      throw invalid(`${label}: "match.thinking" must be true or false`);
    }
    const minInputTokens = match.minInputTokens;
    if (
      minInputTokens !== undefined &&
      (typeof minInputTokens !== 'number' || !Number.isFinite(minInputTokens) || minInputTokens < 0)
    ) {
      throw invalid(
        `${label}: "match.minInputTokens" must be a number of tokens ≥ 0, got ${String(minInputTokens)}`,
      );
    }
    if (model !== undefined && (typeof model !== 'string' || model.length === 0)) {
      throw invalid(`${label}: "model" must be a non-empty model name`);
    }
    return {
      name,
      index,
      model,
      providers: providers === undefined ? undefined : compileGroup(providers, label, targetNames),
      matchesModel: match.model === undefined ? undefined : compileModelGlobs([match.model]),
      family: match.family,
      thinking: match.thinking,
      minInputTokens,
    };
  });
}

function compileGroup(
  providers: readonly string[],
  label: string,
  targetNames: ReadonlySet<string>,
): ReadonlySet<string> {
  if (!Array.isArray(providers) || providers.length === 0) {
    throw invalid(`${label}: "providers" must list at least one provider name (omit it for every provider)`);
  }
  for (const provider of providers) {
    if (typeof provider !== 'string' || !targetNames.has(provider)) {
      throw invalid(
        `${label}: "providers" names ${JSON.stringify(provider)}, which is not a configured target. Configured: ${[...targetNames].join(', ') || '(none)'}`,
      );
    }
  }
  return new Set(providers);
}

function invalid(problem: string): RouterError {
  return new RouterError('CCB_ROUTER_INVALID_RULE', `Invalid router rules: ${problem}.`);
}
