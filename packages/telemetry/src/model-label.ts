import { TelemetryError } from './telemetry-error.js';

/**
 * Anthropic model ids: `claude-<family>-…` and the older `claude-<version>-<family>-…`. Anthropic bounds this set;
 * the length cap and the character class keep a hostile client from minting labels out of arbitrary text.
 */
const claudeFamilyPattern =
  /^claude-(?:(?:opus|sonnet|haiku|fable|mythos)(?:-[a-z0-9.]{1,16}){1,5}|\d{1,2}(?:-\d{1,2})?-(?:opus|sonnet|haiku)(?:-[a-z0-9.]{1,16}){0,5})$/;
const maxClaudeModelLength = 64;

/** The label for a request without a model (e.g. `GET /v1/models`). */
export const noModelLabel = 'none';
/** The label for any model that is neither configured nor a Claude family id. */
export const otherModelLabel = 'other';

/** Options of {@link createModelLabeler}. */
export interface ModelLabelerOptions {
  /** Models to keep verbatim (configured models, model-map keys). Default none. */
  readonly knownModels?: readonly string[];
  /**
   * Most distinct Claude-family ids admitted as labels beyond `knownModels`; later ones become `other`, so a
   * client inventing plausible ids cannot grow the series without bound. Default 64.
   */
  readonly maxFamilyModels?: number;
}

/** Maps a requested model to a metric label of bounded cardinality. */
export type ModelLabeler = (model: string | undefined) => string;

/** Whether `model` looks like an Anthropic model id (`claude-opus-5-5`, `claude-3-5-haiku-20241022`). */
export function isClaudeFamilyModel(model: string): boolean {
  return model.length <= maxClaudeModelLength && claudeFamilyPattern.test(model);
}

/**
 * Creates the model labeler: a known model or a Claude-family id keeps its name, anything else is `other`, and an
 * absent model is `none`. Decisions are cached so the hot path is one `Map` lookup.
 */
export function createModelLabeler(options: ModelLabelerOptions = {}): ModelLabeler {
  const maxFamilyModels = options.maxFamilyModels ?? 64;
  if (!Number.isInteger(maxFamilyModels) || maxFamilyModels < 0) {
    throw new TelemetryError(
      'CCB_TELEMETRY_INVALID_OPTIONS',
      `maxFamilyModels must be a non-negative integer, got ${String(maxFamilyModels)}`,
    );
  }
  const labels = new Map<string, string>();
  for (const model of options.knownModels ?? []) {
    if (typeof model !== 'string' || model === '') {
      throw new TelemetryError(
        'CCB_TELEMETRY_INVALID_OPTIONS',
        `knownModels must hold non-empty strings, got ${JSON.stringify(model)}`,
      );
    }
    labels.set(model, model);
  }
  let familyModels = 0;
  return (model) => {
    if (model === undefined) return noModelLabel;
    const cached = labels.get(model);
    if (cached !== undefined) return cached;
    // Only admitted ids are cached: caching every rejected string would itself be unbounded.
    if (familyModels < maxFamilyModels && isClaudeFamilyModel(model)) {
      familyModels += 1;
      labels.set(model, model);
      return model;
    }
    return otherModelLabel;
  };
}
