import { didYouMean } from '@ccb/config';
import type { ArgsDef, CommandDef, Resolvable, SubCommandsDef } from 'citty';
import { usageError } from './cli-error.js';
import { checkFlagValue } from './flag-values.js';
import { readFlag } from './read-flag.js';

// biome-ignore lint/suspicious/noExplicitAny: commands differ in their flags; citty's own helpers take CommandDef<any>.
type AnyCommand = CommandDef<any>;

/** What a checked command line asks for. */
export interface CommandLine {
  /** The command named (for `ccb` alone or with flags only, its default: `serve`), or the one to describe. */
  readonly command: AnyCommand;
  /** The words naming it, e.g. `['ccb', 'config', 'check']`. */
  readonly names: readonly string[];
  /** `--help` or `-h`: print the usage of `command` instead of running it. */
  readonly help: boolean;
  /** `--version` or `-v`, alone. */
  readonly version: boolean;
  /** Flags given, by declared name (`-p` and `--port=1` both count as `port`). */
  readonly flags: ReadonlyMap<string, string | boolean>;
}

async function resolve<T>(value: Resolvable<T> | undefined): Promise<T | undefined> {
  return typeof value === 'function' ? (value as () => T | Promise<T>)() : value;
}

async function childrenOf(command: AnyCommand): Promise<SubCommandsDef | undefined> {
  const children = await resolve(command.subCommands);
  return children !== undefined && Object.keys(children).length > 0 ? children : undefined;
}

/** `a, b and c` (or `a, b or c`). */
function list(words: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  return words.length < 2
    ? (words[0] ?? '')
    : `${words.slice(0, -1).join(', ')} ${conjunction} ${words.at(-1)}`;
}

/**
 * Checks a command line against the command tree before anything runs, because citty ignores what it does not
 * know: an unknown flag or command, a stray word, a flag without its value or with a bad one (a port out of
 * range, a duration that is not one) is a usage error here, with a did-you-mean where one is close.
 */
export async function parseCommandLine(root: AnyCommand, argv: readonly string[]): Promise<CommandLine> {
  const rootName = (await resolve(root.meta))?.name ?? 'ccb';
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    return { command: root, names: [rootName], help: false, version: true, flags: new Map() };
  }
  let command = root;
  const names = [rootName];
  let args: ArgsDef = (await resolve(command.args)) ?? {};
  let children = await childrenOf(command);
  let flags = new Map<string, string | boolean>();
  /** Flags read before the command word: citty would hand the command only what follows its name. */
  let flagsBeforeCommand: string[] = [];
  let lastSwitch: string | undefined;
  let help = false;
  /** Positional arguments read so far (`ccb providers drain NAME`). */
  let positionals = 0;
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] as string;
    if (word === '--') {
      const rest = argv[index + 1];
      if (rest !== undefined) throw strayWord(rest, names, undefined);
      break;
    }
    if (word === '--help' || word === '-h') {
      help = true;
      continue;
    }
    if (word === '--version' || word === '-v') {
      throw usageError(`${word} stands alone: run \`${rootName} --version\``);
    }
    if (word.length > 1 && word.startsWith('-') && !/^-[\d.]/.test(word)) {
      const flag = readFlag(word, argv[index + 1], args);
      if ('unknown' in flag) throw await unknownFlag(flag.unknown, root, names, args);
      if (flags.has(flag.name)) throw usageError(`--${flag.name} is given twice; give it once`);
      flags.set(flag.name, flag.value);
      if (flag.tookNext) index++;
      lastSwitch = typeof flag.value === 'boolean' ? word : undefined;
      if (children !== undefined) flagsBeforeCommand.push(word);
      continue;
    }
    if (children === undefined) {
      const positional = positionalsOf(args)[positionals];
      if (positional === undefined) throw strayWord(word, names, lastSwitch);
      flags.set(positional, word);
      positionals++;
      continue;
    }
    const child = Object.hasOwn(children, word) ? await resolve(children[word]) : undefined;
    if (child === undefined) throw unknownCommand(word, names, Object.keys(children));
    command = child;
    names.push(word);
    args = (await resolve(command.args)) ?? {};
    if (flagsBeforeCommand.length > 0)
      throw await misplacedFlag(flagsBeforeCommand[0] as string, root, names, args);
    children = await childrenOf(command);
    flags = new Map();
    flagsBeforeCommand = [];
    lastSwitch = undefined;
    positionals = 0;
  }
  if (children !== undefined && !help) {
    const fallback = await resolve(command.default);
    const defaultCommand = fallback === undefined ? undefined : await resolve(children[fallback]);
    if (defaultCommand === undefined) {
      throw usageError(
        `${names.join(' ')} needs a command: ${list(Object.keys(children), 'or')} (see ${names.join(' ')} --help)`,
      );
    }
    // The flags were read against this command's own (root = serve's flags); the default runs with all of them.
    command = defaultCommand;
  }
  if (!help) {
    const missing = positionalsOf(args).find(
      (name) => !flags.has(name) && (args[name] as { required?: boolean }).required === true,
    );
    if (missing !== undefined) {
      throw usageError(`${names.join(' ')} needs ${missing.toUpperCase()} (see ${names.join(' ')} --help)`);
    }
    for (const [name, value] of flags) if (typeof value === 'string') checkFlagValue(name, value);
  }
  return { command, names, help, version: false, flags };
}

/** The names of a command's positional arguments, in order. */
function positionalsOf(args: ArgsDef): string[] {
  return Object.keys(args).filter((name) => args[name]?.type === 'positional');
}

/** A flag before the command word: citty hands a command only the words after its name, so it would be lost. */
async function misplacedFlag(
  spelled: string,
  root: AnyCommand,
  names: readonly string[],
  args: ArgsDef,
): Promise<Error> {
  const flag = readFlag(spelled.split('=')[0] as string, 'value', args);
  if ('unknown' in flag) return unknownFlag(flag.unknown, root, names, args);
  return usageError(`${spelled} must come after the command name: ${names.join(' ')} ${spelled} …`);
}

function unknownCommand(word: string, names: readonly string[], commands: readonly string[]): Error {
  const suggestion = didYouMean(word, commands);
  const hint =
    suggestion === undefined ? `the commands are ${list(commands)}` : `did you mean ${suggestion}?`;
  return usageError(`unknown command "${word}" for ${names.join(' ')}; ${hint}`);
}

function strayWord(word: string, names: readonly string[], lastSwitch: string | undefined): Error {
  const why =
    lastSwitch === undefined
      ? `${names.join(' ')} takes no arguments`
      : `${lastSwitch} is a switch and takes no value`;
  return usageError(`unexpected argument "${word}": ${why}`);
}

async function unknownFlag(
  spelled: string,
  root: AnyCommand,
  names: readonly string[],
  args: ArgsDef,
): Promise<Error> {
  const where = names.join(' ');
  const name = spelled.replace(/^-+/, '');
  const declaredNames = Object.keys(args).filter((key) => args[key]?.type !== 'positional');
  if (!spelled.startsWith('--')) {
    const shortFlags = declaredNames.flatMap((key) => {
      const alias = (args[key] as { alias?: string | string[] }).alias;
      return (typeof alias === 'string' ? [alias] : (alias ?? [])).map((letter) => `-${letter}`);
    });
    return usageError(`${where} has no flag ${spelled}; its short flags are ${list([...shortFlags, '-h'])}`);
  }
  const suggestion = didYouMean(name, [...declaredNames, 'help']);
  if (suggestion !== undefined)
    return usageError(`${where} has no flag ${spelled}; did you mean --${suggestion}?`);
  const owners = await commandsWithFlag(root, name, [names[0] as string]);
  if (owners.length > 0) return usageError(`${spelled} is a flag of ${list(owners)}, not of ${where}`);
  return usageError(`${where} has no flag ${spelled}; see ${where} --help`);
}

/** Every command (as typed, `ccb demo`) that declares `--<name>`, for "a flag of another command". */
async function commandsWithFlag(command: AnyCommand, name: string, names: string[]): Promise<string[]> {
  const children = await childrenOf(command);
  const args = (await resolve(command.args)) ?? {};
  // A command with children runs them, not its own flags (except the root's, which are its default's).
  const own = children === undefined && Object.hasOwn(args, name) ? [names.join(' ')] : [];
  const nested: string[] = [];
  for (const [word, child] of Object.entries(children ?? {})) {
    const resolved = await resolve(child);
    if (resolved !== undefined) nested.push(...(await commandsWithFlag(resolved, name, [...names, word])));
  }
  return [...own, ...nested];
}
