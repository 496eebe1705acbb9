import type { z } from 'zod';

const nouns: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a map',
  array: 'a list',
  record: 'a map',
  null: 'null',
};

/** Describes a value the way a YAML author sees it: `string "abc"`, `number 1.5`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `string ${quote(value)}`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'a map';
    default:
      return typeof value;
  }
}

/** JSON-quotes a string, shortening it so one bad value cannot flood the terminal. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

function noun(expected: string): string {
  return nouns[expected] ?? expected;
}

function describeBound(issue: { origin: string; inclusive?: boolean }, word: 'least' | 'most'): string {
  return issue.inclusive === false ? (word === 'least' ? 'greater than' : 'less than') : `at ${word}`;
}

/**
 * zod error map (passed per parse, so messages given on a schema still win) that turns zod's defaults into
 * messages for people editing YAML: "expected a number, got string \"abc\"", "must be one of a, b; got \"c\"".
 */
export function friendlyMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `expected ${noun(issue.expected)}, got ${describeValue(issue.input)}`;
    case 'invalid_value': {
      const options = issue.values.map(String);
      const expected =
        options.length === 1 ? `must be ${options[0]}` : `must be one of ${options.join(', ')}`;
      return `${expected}; got ${typeof issue.input === 'string' ? quote(issue.input) : describeValue(issue.input)}`;
    }
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.origin === 'string') {
        return minimum === 1 ? 'must not be empty' : `must be at least ${minimum} characters long`;
      }
      if (issue.origin === 'array') {
        return minimum === 1 ? 'must list at least one item' : `must list at least ${minimum} items`;
      }
      return `must be ${describeBound(issue, 'least')} ${minimum}, got ${String(issue.input)}`;
    }
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${maximum} characters long`;
      if (issue.origin === 'array') return `must list at most ${maximum} items`;
      return `must be ${describeBound(issue, 'most')} ${maximum}, got ${String(issue.input)}`;
    }
    case 'invalid_union': {
      // A value of the wrong type fails every branch at its root; name all the accepted types at once.
      const expected = issue.errors.flatMap((branch) =>
        branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0
          ? [noun(branch[0].expected)]
          : [],
      );
      if (expected.length === issue.errors.length && expected.length > 0) {
        return `expected ${expected.join(' or ')}, got ${describeValue(issue.input)}`;
      }
      return issue.errors.flat()[0]?.message;
    }
    case 'unrecognized_keys':
      return 'unknown key';
    case 'invalid_format':
      return typeof issue.input === 'string'
        ? `must be a valid ${issue.format}; got ${quote(issue.input)}`
        : `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'invalid_key':
      return 'has an invalid key';
    default:
      return undefined;
  }
}
