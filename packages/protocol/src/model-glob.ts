/** Tests a model name against compiled globs. */
export type ModelMatcher = (model: string) => boolean;

const regExpSpecial = /[\\^$.|+()[\]{}]/;

/**
 * Compiles one model glob: `*` any run of characters, `?` one character, case-sensitive, the whole name. Provider
 * `models`, routing rules and price patterns all use it, so one pattern means the same thing everywhere.
 */
export function compileModelGlob(glob: string): ModelMatcher {
  const pattern = globPattern([glob]);
  return (model) => pattern.test(model);
}

/**
 * Compiles model globs into one matcher that holds when any of them matches. Returns `undefined` for an absent or
 * empty list, which means "every model", so callers can skip the test entirely.
 */
export function compileModelGlobs(globs: readonly string[] | undefined): ModelMatcher | undefined {
  if (globs === undefined || globs.length === 0) return undefined;
  const pattern = globPattern(globs);
  return (model) => pattern.test(model);
}

function globPattern(globs: readonly string[]): RegExp {
  // `s`: `*` also spans line breaks (a model name is opaque client input); `u`: `?` is one code point.
  return new RegExp(`^(?:${globs.map(globToRegExpSource).join('|')})$`, 'su');
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
