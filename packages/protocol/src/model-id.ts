/** Every Claude model family, as they appear in model ids (`claude-haiku-4-5`, `claude-3-5-haiku-20241022`). */
export const modelFamilies = Object.freeze(['haiku', 'sonnet', 'opus', 'fable', 'mythos'] as const);

/** A Claude model family. */
export type ModelFamily = (typeof modelFamilies)[number];

/** What a Claude model id says, once its vendor prefix and date or version suffix are set aside. */
export interface ModelId {
  readonly family: ModelFamily;
  /** The model generation (`4` in `claude-sonnet-4-6`); `undefined` for a bare `claude-sonnet-latest`. */
  readonly major: number | undefined;
  readonly minor: number | undefined;
  /**
   * `claude-<family>-<major>[-<minor>]`, the name prices and reports use; `undefined` without a version. A `-0`
   * minor is dropped (`claude-sonnet-4-0` is the alias of `claude-sonnet-4`).
   */
  readonly canonical: string | undefined;
}

/**
 * `claude-` after the start or a vendor prefix ending in `.` or `/` (`anthropic.`, `us.anthropic.`, `anthropic/`),
 * then either `<family>[-<major>[-<minor>]]` (4.x and later) or `<major>[-<minor>]-<family>` (3.x), the version
 * parts separated by `-` or `.` (OpenRouter writes `claude-sonnet-4.5`). Whatever follows (`-20250929`,
 * `@20250929`, `-v1:0`, `-latest`, `[1m]`) is ignored; the lookaheads stop an 8-digit date from being read as a
 * minor version, refuse a third version part, and refuse a longer word (`claude-haikus`).
 */
const families = modelFamilies.join('|');
const modelIdPattern = new RegExp(
  `(?:^|[./])claude-(?:(${families})(?:-(\\d{1,2})(?:[-.](\\d{1,2}))?)?|(\\d{1,2})(?:[-.](\\d{1,2}))?-(${families}))(?![a-z0-9])(?![-.]\\d{1,2}(?!\\d))`,
  'i',
);

/**
 * Reads a Claude model id, case-insensitively, wherever the vendor put it: `claude-sonnet-4-6-20260101`,
 * `anthropic.claude-sonnet-4-5-20250929-v1:0`, `claude-sonnet-4-5@20250929`, `claude-3-7-sonnet-latest`,
 * `anthropic/claude-sonnet-4.5`. `undefined` for an id that names no Claude family (another vendor's model, or a
 * malformed id).
 */
export function parseModelId(model: string): ModelId | undefined {
  const match = modelIdPattern.exec(model);
  if (match === null) return undefined;
  const family = (match[1] ?? match[6])?.toLowerCase() as ModelFamily | undefined;
  if (family === undefined) return undefined;
  const major = match[2] ?? match[4];
  const minor = match[1] === undefined ? match[5] : match[3];
  return {
    family,
    major: major === undefined ? undefined : Number(major),
    minor: minor === undefined ? undefined : Number(minor),
    canonical:
      major === undefined
        ? undefined
        : minor === undefined || Number(minor) === 0
          ? `claude-${family}-${Number(major)}`
          : `claude-${family}-${Number(major)}-${Number(minor)}`,
  };
}

/** Longest model id taken as a plain Claude id (metric labels): Anthropic's own ids are far shorter. */
const maxPlainIdLength = 64;
const plainIdCharacters = /^claude-[a-z0-9.-]+$/;

/**
 * Whether `model` is, as a whole, one of Anthropic's own model ids (`claude-opus-5-5`,
 * `claude-3-5-haiku-20241022`): lower case, no vendor prefix, nothing but letters, digits, `-` and `.`, at most 64
 * characters. Strict on purpose: a client cannot mint such a string out of arbitrary text, so it is safe as a metric
 * label.
 */
export function isPlainClaudeModelId(model: string): boolean {
  return (
    model.length <= maxPlainIdLength &&
    plainIdCharacters.test(model) &&
    parseModelId(model)?.canonical !== undefined
  );
}
