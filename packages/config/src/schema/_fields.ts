import { z } from 'zod';
import { quote } from '../_friendly-message.js';
import { durationStringPattern, parseDuration } from '../parse-duration.js';
import { parseSize, sizeStringPattern } from '../parse-size.js';

/**
 * A duration field: a non-negative number of milliseconds or a string such as `"10s"`; outputs whole
 * milliseconds. Add the default with `.prefault("10s")` so it goes through the same parsing.
 */
export function durationField() {
  return z
    .union([
      z.number().min(0),
      z.string().meta({ pattern: durationStringPattern, examples: ['500ms', '10s', '1.5m', '1h'] }),
    ])
    .transform((value, context) => {
      const milliseconds = parseDuration(value);
      if (milliseconds !== undefined) return milliseconds;
      context.issues.push({
        code: 'custom',
        input: value,
        message: `expected a duration such as "500ms", "10s", "1.5m" or "1h", or a number of milliseconds; got ${typeof value === 'string' ? quote(value) : String(value)}`,
      });
      return z.NEVER;
    });
}

/** A size field: a number of bytes or a string such as `"32MiB"`; outputs whole bytes, at least 1. */
export function sizeField() {
  return z
    .union([
      z.number().min(1),
      z.string().meta({ pattern: sizeStringPattern, examples: ['512KiB', '32MiB', '1MB'] }),
    ])
    .transform((value, context) => {
      const bytes = parseSize(value);
      if (bytes !== undefined && bytes >= 1) return bytes;
      context.issues.push({
        code: 'custom',
        input: value,
        message: `expected a size of at least 1 byte such as "512KiB", "32MiB" or "1MB", or a number of bytes; got ${typeof value === 'string' ? quote(value) : String(value)}`,
      });
      return z.NEVER;
    });
}

/**
 * A JSON Schema pattern matching any of `words` regardless of case, for fields that accept `INFO` as well
 * as `info`: JSON Schema's ECMA-262 patterns have no case-insensitive flag.
 */
export function caseInsensitivePattern(words: readonly string[]): string {
  const alternatives = words.map((word) =>
    [...word]
      .map((char) => (/[a-z]/i.test(char) ? `[${char.toLowerCase()}${char.toUpperCase()}]` : char))
      .join(''),
  );
  return `^(${alternatives.join('|')})$`;
}

/**
 * Options for a cross-field `superRefine` that should report alongside field errors: zod skips refinements
 * once a field has failed, but a user fixing a file wants every problem in one pass. Such refinements see
 * partially parsed values, so they must check types before trusting a field.
 */
export const evenWithFieldErrors: z.core.$ZodSuperRefineParams = {
  when: (payload) => typeof payload.value === 'object' && payload.value !== null,
};
