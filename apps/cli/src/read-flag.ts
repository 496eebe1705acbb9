import type { ArgDef, ArgsDef } from 'citty';
import { usageError } from './cli-error.js';

/** One flag read from the command line: its declared name and its value (`false` for `--no-<flag>`). */
export interface ReadFlag {
  readonly name: string;
  readonly value: string | boolean;
  /** The flag took the next word as its value (`--port 8080`). */
  readonly tookNext: boolean;
}

/** Why a word that looks like a flag is not one of the command's; the caller words the message. */
export interface UnknownFlag {
  readonly unknown: string;
}

function aliasesOf(definition: ArgDef): readonly string[] {
  if (!('alias' in definition) || definition.alias === undefined) return [];
  return typeof definition.alias === 'string' ? [definition.alias] : definition.alias;
}

/** The declared flag called `name`; own keys only, so `--constructor` is not mistaken for one. */
function declared(args: ArgsDef, name: string): ArgDef | undefined {
  const definition = Object.hasOwn(args, name) ? args[name] : undefined;
  return definition?.type === 'positional' ? undefined : definition;
}

/**
 * Reads the flag at `word` against the command's declared flags, in the forms citty parses the same way:
 * `--name value`, `--name=value`, `-x value`, `-xvalue`, `--switch`, `--switch=true|false`, `--no-switch`.
 * Spellings citty would also take but nobody documents (`--logFormat`, `--p`) are unknown here, so they get a
 * suggestion instead of quietly working in one place and not another.
 *
 * @returns the flag, or `{ unknown }` when the command has no such flag.
 * @throws a usage error for a known flag used wrongly (a switch given a value, a missing value).
 */
export function readFlag(word: string, next: string | undefined, args: ArgsDef): ReadFlag | UnknownFlag {
  if (word.startsWith('--')) {
    const equals = word.indexOf('=');
    const name = equals === -1 ? word.slice(2) : word.slice(2, equals);
    const inline = equals === -1 ? undefined : word.slice(equals + 1);
    const definition = declared(args, name);
    if (definition !== undefined) return withValue(`--${name}`, name, definition, inline, next);
    const negated = name.startsWith('no-') ? name.slice(3) : undefined;
    const positive = negated === undefined ? undefined : declared(args, negated);
    if (negated !== undefined && positive !== undefined) {
      if (positive.type !== 'boolean') {
        throw usageError(`--${negated} takes a value and cannot be negated; leave it out to get its default`);
      }
      if (inline !== undefined) throw usageError(`--${name} takes no value; write --${name} alone`);
      return { name: negated, value: false, tookNext: false };
    }
    return { unknown: `--${name}` };
  }
  const letter = word.slice(1, 2);
  const entry = Object.entries(args).find(
    ([, definition]) => definition.type !== 'positional' && aliasesOf(definition).includes(letter),
  );
  if (entry === undefined) return { unknown: `-${letter}` };
  const [name, definition] = entry;
  if (word.length === 2) return withValue(`-${letter}`, name, definition, undefined, next);
  // citty would read `-p=8080` as the value "=8080".
  if (word[2] === '=') throw usageError(`write -${letter} VALUE or --${name}=VALUE, not ${word}`);
  if (definition.type === 'boolean') {
    throw usageError(`${word}: short flags cannot be combined; write each one on its own`);
  }
  return withValue(`-${letter}`, name, definition, word.slice(2), next);
}

/** A word that starts a flag (`-x`, `--x`) rather than a value such as `-1`. */
function looksLikeFlag(word: string): boolean {
  return /^--?[a-zA-Z]/.test(word);
}

function withValue(
  spelled: string,
  name: string,
  definition: ArgDef,
  inline: string | undefined,
  next: string | undefined,
): ReadFlag {
  if (definition.type === 'boolean') {
    if (inline === undefined) return { name, value: true, tookNext: false };
    if (inline === 'true' || inline === 'false') return { name, value: inline === 'true', tookNext: false };
    throw usageError(`${spelled} is a switch and takes no value; write ${spelled} or --no-${name}`);
  }
  if (inline !== undefined) return { name, value: inline, tookNext: false };
  if (next === undefined || looksLikeFlag(next)) {
    const what = definition.description === undefined ? '' : `: ${lowerFirst(definition.description)}`;
    throw usageError(`${spelled} needs a value${what}`);
  }
  return { name, value: next, tookNext: true };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
