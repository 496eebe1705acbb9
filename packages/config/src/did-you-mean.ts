/**
 * Optimal-string-alignment distance (Damerau-Levenshtein restricted to adjacent transpositions), so
 * `stratgy` → `strategy` and `pirority` → `priority` each cost one or two edits.
 */
export function editDistance(left: string, right: string): number {
  const rows = left.length + 1;
  const columns = right.length + 1;
  const table = new Array<number>(rows * columns);
  for (let row = 0; row < rows; row++) table[row * columns] = row;
  for (let column = 0; column < columns; column++) table[column] = column;
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      let best = Math.min(
        (table[(row - 1) * columns + column] ?? 0) + 1,
        (table[row * columns + column - 1] ?? 0) + 1,
        (table[(row - 1) * columns + column - 1] ?? 0) + cost,
      );
      if (
        row > 1 &&
        column > 1 &&
        left[row - 1] === right[column - 2] &&
        left[row - 2] === right[column - 1]
      ) {
        best = Math.min(best, (table[(row - 2) * columns + column - 2] ?? 0) + 1);
      }
      table[row * columns + column] = best;
    }
  }
  return table[rows * columns - 1] ?? 0;
}

/** Case and `-`/`_` differences are the commonest slips (`log-level`, `Port`); they cost nothing here. */
function normalise(key: string): string {
  return key.toLowerCase().replaceAll('-', '_');
}

/**
 * The known key closest to `unknown`, or `undefined` when none is close enough to be a likely typo:
 * at most one edit per three characters of the longer key, and never more than three. Case and `-`/`_`
 * differences are free. Config keys use it, and so does the CLI for flags, commands and flag values,
 * so a typo gets the same suggestion wherever it is made.
 */
export function didYouMean(unknown: string, knownKeys: readonly string[]): string | undefined {
  const target = normalise(unknown);
  let suggestion: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const known of knownKeys) {
    const distance = editDistance(target, normalise(known));
    const allowed = Math.min(3, Math.max(1, Math.floor(Math.max(target.length, known.length) / 3)));
    if (distance <= allowed && distance < bestDistance) {
      suggestion = known;
      bestDistance = distance;
    }
  }
  return suggestion;
}
