import { isPlainClaudeModelId } from '@ccb/protocol';
import { TelemetryError } from './telemetry-error.js';

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
    if (familyModels < maxFamilyModels && isPlainClaudeModelId(model)) {
      familyModels += 1;
      labels.set(model, model);
      return model;
    }
    return otherModelLabel;
  };
}
