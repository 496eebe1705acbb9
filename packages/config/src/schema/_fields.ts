import { z } from 'zod';
import { quote } from '../_friendly-message.js';
import { durationStringPattern, parseDuration } from '../parse-duration.js';
import { parseSize, sizeStringPattern } from '../parse-size.js';

/**
 * A duration field: a non-negative number of milliseconds or a string such as `"10s"`; outputs whole
 * milliseconds. Add the default with `.prefault("10s")` so it goes through the same parsing. `0` is accepted: say
 * in the field's description what it means (usually "off"), or use {@link positiveDurationField} where it means
 * nothing.
 */
export function durationField() {
  return durationSchema(undefined);
}

/**
 * A duration field where `0` (or anything that rounds to 0 ms) makes no sense and is refused, with `whyNot`: what
 * to write instead, e.g. `"set routing.affinity.enabled: false to turn affinity off"`.
 */
export function positiveDurationField(whyNot: string) {
  return durationSchema(whyNot);
}

/**
 * The unit of a field's output, keyed by zod definition (which `.meta()` and other clones share), so a display such
 * as a config diff can write `10s` rather than `10000`.
 */
export const outputUnits = new WeakMap<object, 'milliseconds' | 'bytes'>();

function withUnit<Schema extends z.ZodType>(schema: Schema, unit: 'milliseconds' | 'bytes'): Schema {
  outputUnits.set(schema.def, unit);
  return schema;
}

function durationSchema(zeroRefusedBecause: string | undefined) {
  const schema = z
    .union([
      z.number().min(0),
      z.string().meta({ pattern: durationStringPattern, examples: ['500ms', '10s', '1.5m', '1h'] }),
    ])
    .transform((value, context) => {
      const milliseconds = parseDuration(value);
      if (milliseconds !== undefined && (milliseconds > 0 || zeroRefusedBecause === undefined)) {
        return milliseconds;
      }
      const got = typeof value === 'string' ? quote(value) : String(value);
      context.issues.push({
        code: 'custom',
        input: value,
        message:
          milliseconds === undefined
            ? `expected a duration such as "500ms", "10s", "1.5m" or "1h", or a number of milliseconds; got ${got}`
            : `must be more than 0 (got ${got}): ${zeroRefusedBecause}`,
      });
      return z.NEVER;
    });
  return withUnit(schema, 'milliseconds');
}

/**
 * Why `value` cannot travel in an HTTP header, or `undefined` when it can: a C0 control character or DEL (no header
 * may carry them, RFC 9110 §5.5; in a key they are a paste or `.env` accident, a stray `\r` or an escape sequence,
 * that would otherwise only surface when a request is sent), or a character beyond U+00FF (header values travel as
 * Latin-1 bytes). Names the character and where it is, never the value, which may be a secret. `allowTab` for
 * header values, where RFC 9110 allows HTAB.
 */
export function unsendableCharacter(value: string, options: { allowTab?: boolean } = {}): string | undefined {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    const control = (code < 0x20 && !(code === 0x09 && options.allowTab === true)) || code === 0x7f;
    if (!control && code <= 0xff) continue;
    const hex = (value.codePointAt(index) as number).toString(16).toUpperCase().padStart(4, '0');
    return `contains ${control ? 'a control character' : 'a character'} (U+${hex}, character ${index + 1}) that no HTTP header can carry; check the value, or the variable or .env line it comes from`;
  }
  return undefined;
}

/**
 * A secret: a key ccb sends upstream or compares with what clients send, always in an HTTP header. Non-empty, and
 * free of characters no header can carry, so a bad value is a config error with its path rather than a failure at
 * serve time. Messages never show the value.
 */
export function secretField() {
  return z
    .string()
    .min(1)
    .check((context) => {
      const problem = unsendableCharacter(context.value);
      // The issue's input is left empty: whatever prints issues must never see the secret.
      if (problem !== undefined) {
        context.issues.push({ code: 'custom', input: '', message: problem, continue: true });
      }
    });
}

/** A size field: a number of bytes or a string such as `"32MiB"`; outputs whole bytes, at least 1. */
export function sizeField() {
  const schema = z
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
  return withUnit(schema, 'bytes');
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
