/**
 * Anthropic's model aliases and the dated snapshots they point at
 * (https://platform.claude.com/docs/en/about-claude/models/overview). Vertex names a snapshot with `@` before its date
 * (`claude-sonnet-4-5@20250929`, https://docs.anthropic.com/en/api/claude-on-vertex-ai); models released without a
 * dated id (`claude-opus-4-6` and later) have the same id there.
 */
const snapshotOfAlias: Readonly<Record<string, string>> = {
  'claude-opus-4-5': 'claude-opus-4-5-20251101',
  'claude-opus-4-1': 'claude-opus-4-1-20250805',
  'claude-opus-4-0': 'claude-opus-4-20250514',
  'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
  'claude-sonnet-4-0': 'claude-sonnet-4-20250514',
  'claude-3-7-sonnet-latest': 'claude-3-7-sonnet-20250219',
  'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
  'claude-3-5-haiku-latest': 'claude-3-5-haiku-20241022',
};

/** A dated Anthropic id: `claude-…-YYYYMMDD` and nothing after the date. */
const datedIdPattern = /^(claude-[a-z0-9-]+?)-(\d{8})$/;

/**
 * The Vertex model id of an Anthropic model id: an alias goes to its snapshot, a snapshot's date follows an `@`
 * (`claude-sonnet-4-5` and `claude-sonnet-4-5-20250929` both give `claude-sonnet-4-5@20250929`). Anything else (a
 * Vertex id already, an undated id such as `claude-opus-4-6`, another name) is sent as it is; a provider's `model_map`
 * is applied before this.
 */
export function vertexModelId(model: string): string {
  const dated = snapshotOfAlias[model] ?? model;
  const match = datedIdPattern.exec(dated);
  return match === null ? dated : `${match[1]}@${match[2]}`;
}
