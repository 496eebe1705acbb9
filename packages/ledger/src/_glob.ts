const regExpSpecial = /[\\^$.|+()[\]{}]/;

/**
 * Compiles a model glob into a RegExp: `*` any run, `?` one character, case-sensitive, whole id. The same rules
 * as the router's model globs, so one config pattern means the same thing in both places.
 */
export function compileGlob(glob: string): RegExp {
  let source = '';
  for (const character of glob) {
    if (character === '*') source += '.*';
    else if (character === '?') source += '.';
    else if (regExpSpecial.test(character)) source += `\\${character}`;
    else source += character;
  }
  // `s`: `*` also spans line breaks (a model id is opaque client input); `u`: `?` is one code point.
  return new RegExp(`^${source}$`, 'su');
}
