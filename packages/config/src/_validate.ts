import { z } from 'zod';
import { formatPath } from './_format-path.js';
import { friendlyMessage } from './_friendly-message.js';
import { didYouMean } from './did-you-mean.js';
import type { ConfigIssue } from './format-config-issue.js';

/** Maps a config path to a source position; `pointAtKey` asks for the key of the last segment. */
export type Locate = (
  path: readonly PropertyKey[],
  pointAtKey: boolean,
) => { line: number; column: number } | undefined;

export type ValidationResult<Output> =
  | { success: true; data: Output }
  | { success: false; issues: ConfigIssue[] };

/**
 * Validates `data` against `schema` and turns zod's issues into config issues: friendly messages, one
 * issue per unknown key (with a did-you-mean from that object's own keys), located via `locate` when the
 * data came from a file, and sorted into document order.
 */
export function validate<Schema extends z.ZodType>(
  schema: Schema,
  data: unknown,
  locate?: Locate,
): ValidationResult<z.output<Schema>> {
  // zod reports unknown keys on the object, which knows its shape; keep it until the issue is split below.
  const knownKeysByInput = new WeakMap<object, string[]>();
  const result = schema.safeParse(data, {
    reportInput: true,
    error: (issue) => {
      if (
        issue.code === 'unrecognized_keys' &&
        issue.inst instanceof z.ZodObject &&
        typeof issue.input === 'object' &&
        issue.input !== null
      ) {
        knownKeysByInput.set(issue.input, Object.keys(issue.inst.shape));
      }
      return friendlyMessage(issue);
    },
  });
  if (result.success) return { success: true, data: result.data };

  const issues: ConfigIssue[] = [];
  const add = (path: readonly PropertyKey[], message: string, pointAtKey: boolean) => {
    issues.push({ path: formatPath(path), message, ...locate?.(path, pointAtKey) });
  };
  for (const issue of result.error.issues) {
    if (issue.code !== 'unrecognized_keys') {
      add(issue.path, issue.message, false);
      continue;
    }
    const knownKeys =
      typeof issue.input === 'object' && issue.input !== null ? knownKeysByInput.get(issue.input) : undefined;
    for (const key of issue.keys) {
      const suggestion = knownKeys === undefined ? undefined : didYouMean(key, knownKeys);
      const hint =
        suggestion !== undefined
          ? `, did you mean ${suggestion}?`
          : knownKeys === undefined
            ? ''
            : ` (valid keys: ${knownKeys.join(', ')})`;
      add([...issue.path, key], `unknown key${hint}`, true);
    }
  }
  return { success: false, issues: sortByPosition(issues) };
}

/** Document order; issues without a position keep their relative order after the located ones. */
function sortByPosition(issues: ConfigIssue[]): ConfigIssue[] {
  const infinity = Number.POSITIVE_INFINITY;
  return issues.sort(
    (left, right) =>
      (left.line ?? infinity) - (right.line ?? infinity) || (left.column ?? 0) - (right.column ?? 0),
  );
}
