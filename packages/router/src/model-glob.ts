/** Tests a requested model name against a target's configured globs. */
export type ModelMatcher = (model: string) => boolean;

const regExpSpecial = /[\\^$.|+()[\]{}]/;

/**
 * Compiles model globs (`*` = any run, `?` = one character, case-sensitive, whole name) into one matcher.
 * Returns `undefined` for an absent or empty list, which means "serves every model", so callers can skip the
 * test entirely.
 */
export function compileModelGlobs(globs: readonly string[] | undefined): ModelMatcher | undefined {
  if (globs === undefined || globs.length === 0) return undefined;
  const alternatives = globs.map(globToRegExpSource);
  // `s`: `*` also spans line breaks (a model name is opaque client input); `u`: `?` is one code point.
  const pattern = new RegExp(`^(?:${alternatives.join('|')})$`, 'su');
  return (model) => pattern.test(model);
}

function globToRegExpSource(glob: string): string {
  let source = '';
  for (const character of glob) {
    if (character === '*') source += '.*';
    else if (character === '?') source += '.';
    else if (regExpSpecial.test(character)) source += `\\${character}`;
    else source += character;
  }
  return source;
}
