import type { PlanEntry } from './_resolve-targets.js';

/**
 * Moves the names of `domain`'s targets before the others, in place and stable, and returns whether the first name
 * is still of another domain. A thinking block signed in one domain is rejected in another, so a session leaves its
 * domain only when nothing of it is left (issue #17). Allocates only when something has to move.
 */
export function preferDomain(
  names: string[],
  domain: string,
  entries: ReadonlyMap<string, PlanEntry>,
): boolean {
  if (names.length === 0) return false;
  let sawOther = false;
  let needsMove = false;
  for (const name of names) {
    const same = entries.get(name)?.domain === domain;
    if (!same) sawOther = true;
    else if (sawOther) {
      needsMove = true;
      break;
    }
  }
  if (needsMove) {
    const others: string[] = [];
    let write = 0;
    for (const name of names) {
      if (entries.get(name)?.domain === domain) names[write++] = name;
      else others.push(name);
    }
    for (const name of others) names[write++] = name;
  }
  return entries.get(names[0] as string)?.domain !== domain;
}
