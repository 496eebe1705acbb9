import { anthropicSnapshotId } from '@ccb/protocol';

/**
 * The Vertex model id of an Anthropic model id: a snapshot's date follows an `@`
 * (https://docs.anthropic.com/en/api/claude-on-vertex-ai: `claude-sonnet-4-5` and `claude-sonnet-4-5-20250929` both
 * give `claude-sonnet-4-5@20250929`). Anything else (a Vertex id already, an undated id such as `claude-opus-4-6`,
 * another name) is sent as it is; a provider's `model_map` is applied before this.
 */
export function vertexModelId(model: string): string {
  const snapshot = anthropicSnapshotId(model);
  if (snapshot === undefined) return model;
  // Every listed snapshot ends in -YYYYMMDD.
  return `${snapshot.slice(0, -9)}@${snapshot.slice(-8)}`;
}
