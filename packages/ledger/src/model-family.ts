/**
 * `claude-` then either `<kind>-<major>[-<minor>]` (4.x and later) or `<major>[-<minor>]-<kind>` (3.x), the
 * version parts separated by `-` or `.` (OpenRouter writes `claude-sonnet-4.5`). Whatever precedes (`anthropic.`,
 * `us.anthropic.`, `anthropic/`) or follows (`-20250929`, `@20250929`, `-v1:0`, `-latest`, `[1m]`) is ignored; the
 * lookaheads stop an 8-digit date from being read as a minor version and refuse a third version part.
 */
const familyPattern =
  /(?:^|[^a-z0-9])claude-(?:(fable|mythos|opus|sonnet|haiku)-(\d{1,2})(?:[-.](\d{1,2}))?|(\d{1,2})(?:[-.](\d{1,2}))?-(fable|mythos|opus|sonnet|haiku))(?![a-z0-9])(?![-.]\d{1,2}(?!\d))/;

/**
 * The price family of a Claude model id, as `claude-<kind>-<major>[-<minor>]`, or `undefined` for an id that names
 * no Claude family (another vendor's model, or a malformed id). Case-insensitive; a `-0` minor is dropped
 * (`claude-sonnet-4-0` is the alias of `claude-sonnet-4`).
 *
 * `claude-sonnet-4-6-20260101`, `claude-sonnet-4-6`, `claude-sonnet-4.6` → `claude-sonnet-4-6`;
 * `anthropic.claude-sonnet-4-5-20250929-v1:0`, `us.anthropic.claude-sonnet-4-5-20250929-v1:0`,
 * `claude-sonnet-4-5@20250929` → `claude-sonnet-4-5`; `claude-3-7-sonnet-20250219` → `claude-sonnet-3-7`;
 * `claude-3-5-haiku-latest` → `claude-haiku-3-5`; `claude-opus-4-20250514` → `claude-opus-4`.
 */
export function modelFamily(model: string): string | undefined {
  const match = familyPattern.exec(model.toLowerCase());
  if (match === null) return undefined;
  const kind = match[1] ?? match[6];
  const major = match[2] ?? match[4];
  const minor = match[1] === undefined ? match[5] : match[3];
  if (kind === undefined || major === undefined) return undefined;
  return minor === undefined || minor === '0'
    ? `claude-${kind}-${major}`
    : `claude-${kind}-${major}-${minor}`;
}
