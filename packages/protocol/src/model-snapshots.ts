/**
 * Anthropic's model aliases and the dated snapshots they point at
 * (https://platform.claude.com/docs/en/about-claude/models/overview): the knowledge Bedrock's and Vertex's model ids
 * are built from (`anthropic.<snapshot>-v1:0`, `<name>@<date>`). Models released without a dated id
 * (`claude-opus-4-6` and later) are not listed: the clouds name them as Anthropic does.
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

const snapshots: ReadonlySet<string> = new Set(Object.values(snapshotOfAlias));

/**
 * The dated snapshot an Anthropic model id names: an alias's snapshot (`claude-sonnet-4-5` →
 * `claude-sonnet-4-5-20250929`), a listed snapshot itself; `undefined` for anything else (an undated model, a cloud's
 * own id, an unknown name), which a cloud adapter sends as it is.
 */
export function anthropicSnapshotId(model: string): string | undefined {
  return snapshotOfAlias[model] ?? (snapshots.has(model) ? model : undefined);
}
