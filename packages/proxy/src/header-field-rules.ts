import { type IncomingHttpHeaders, IncomingMessage } from 'node:http';

/**
 * How Node puts a repeated field into `message.headers` (`_addHeaderLine` in its lib/_http_incoming.js): most joined
 * with `, `, `cookie` with `; `, `set-cookie` as a list, the fields that may appear once (`content-type`, `host`,
 * `authorization`, …) keeping the first, and `__proto__`, which a plain object ignores on assignment, left out.
 */
export const joinedWithComma = 0;
export const joinedWithSemicolon = 1;
export const listed = 2;
export const firstKept = 3;
export const leftOut = 4;
/** A rule this file does not know (a later Node's): the field goes through Node's own `_addHeaderLine`. */
export const byNode = 5;
/** One of the rules above. */
export type FieldRepeat =
  | typeof joinedWithComma
  | typeof joinedWithSemicolon
  | typeof listed
  | typeof firstKept
  | typeof leftOut
  | typeof byNode;

export interface FieldRule {
  /** The name as a key of the headers object: lower-cased, and the same string for every spelling of it. */
  readonly key: string;
  readonly repeat: FieldRepeat;
}

/** The parts of Node's `IncomingMessage.prototype` this file relies on (undeclared in Node's types). */
export interface NodeHeaderLines {
  _addHeaderLine(field: string, value: string, dest: Record<string, unknown>): void;
  _addHeaderLines(headers: string[], n: number): void;
}

/**
 * The most raw spellings of names remembered, and the longest. A client that sends ever new names (they are its own)
 * cannot grow the table past it: a full table starts afresh, as the tree of heads does (`head-builders.ts`), so that
 * such a client costs some names learned again rather than leave every later client's new names unlearned (and their
 * heads without builders) for the life of the process. A longer name is never remembered: from it on, a head is
 * built by Node's own `_addHeaderLine`.
 */
export const maxRememberedFieldNames = 512;
export const maxRememberedNameLength = 100;

/** The rule of each raw name seen, spelled as the client spelled it. */
const rules = new Map<string, FieldRule>();

const nodePrototype = IncomingMessage.prototype as unknown as Partial<NodeHeaderLines>;
/**
 * An object whose `_addHeaderLine` is Node's own, with `joinDuplicateHeaders` unset as on ccb's server; `undefined`
 * where this Node lacks the methods (then `ProxyIncomingMessage` is Node's own class in all but name).
 */
export const nodeLine: NodeHeaderLines | undefined =
  typeof nodePrototype._addHeaderLine === 'function' && typeof nodePrototype._addHeaderLines === 'function'
    ? (Object.create(IncomingMessage.prototype) as NodeHeaderLines)
    : undefined;

/**
 * Node's rule for `name`, learned from `line` (Node's own): the name is added twice to an object as Node's getter
 * makes one, and what Node did with the two values is the rule. So the table of singleton fields stays Node's, in
 * every Node version ccb runs on; an outcome this file does not know (a rule of a later Node) leaves the name to Node.
 */
export function learnRule(line: Pick<NodeHeaderLines, '_addHeaderLine'>, name: string): FieldRule {
  const probe: Record<string, unknown> = {};
  line._addHeaderLine(name, 'a', probe);
  line._addHeaderLine(name, 'b', probe);
  const keys = Object.keys(probe);
  if (keys.length === 0) return { key: '', repeat: leftOut };
  const key = keys[0] as string;
  if (keys.length !== 1) return { key, repeat: byNode };
  const value = probe[key];
  if (Array.isArray(value)) return { key, repeat: value.length === 2 ? listed : byNode };
  if (value === 'a, b') return { key, repeat: joinedWithComma };
  if (value === 'a; b') return { key, repeat: joinedWithSemicolon };
  if (value === 'a') return { key, repeat: firstKept };
  return { key, repeat: byNode };
}

/** Whether a rule learned by {@link learnRule} leaves its name to Node (for tests). */
export function leavesToNode(rule: FieldRule): boolean {
  return rule.repeat === byNode;
}

/** The remembered rule for `name`, learned if need be; `undefined` for a name too long to remember. */
export function ruleOf(line: NodeHeaderLines, name: string): FieldRule | undefined {
  const known = rules.get(name);
  if (known !== undefined || name.length > maxRememberedNameLength) return known;
  if (rules.size >= maxRememberedFieldNames) rules.clear();
  const rule = learnRule(line, name);
  rules.set(name, rule);
  return rule;
}

/**
 * The headers object built one field at a time: each raw name's rule is looked up once learned, where Node matches
 * the name against its known fields and lower-cases and re-slices it for every request (~3.4 µs for Claude Code's 20
 * headers, against ~1.4 here in a loop in item 42, ~0.3 more since item 43 builds a plain object; docs/performance.md).
 */
export function headersFieldByField(rawHeaders: readonly string[], count: number): IncomingHttpHeaders {
  // A plain object, as Node's: every request with the same fields in the same order then gets the same hidden class
  // (the one Node's getter gives it), so the sites that read headers (ccb's and Node's) find it in V8's caches. One
  // built without a prototype and given Object's afterwards got a hidden class of its own each time, and every such
  // read went through V8's runtime (docs/performance.md, item 43).
  const headers: Record<string, string | string[] | undefined> = {};
  const line = nodeLine as NodeHeaderLines;
  for (let index = 0; index + 1 < count; index += 2) {
    const name = rawHeaders[index] as string;
    const value = rawHeaders[index + 1] as string;
    const rule = ruleOf(line, name);
    if (rule === undefined || rule.repeat === byNode) {
      // A name not remembered: the rest of the head as Node adds it, to what Node's object would hold by then.
      for (let rest = index; rest + 1 < count; rest += 2) {
        line._addHeaderLine(rawHeaders[rest] as string, rawHeaders[rest + 1] as string, headers);
      }
      return headers as IncomingHttpHeaders;
    }
    const key = rule.key;
    const previous = headers[key];
    switch (rule.repeat) {
      case joinedWithComma:
        headers[key] = typeof previous === 'string' ? `${previous}, ${value}` : value;
        break;
      case joinedWithSemicolon:
        headers[key] = typeof previous === 'string' ? `${previous}; ${value}` : value;
        break;
      case listed:
        if (previous === undefined) headers[key] = [value];
        else (previous as string[]).push(value);
        break;
      case firstKept:
        if (previous === undefined) headers[key] = value;
        break;
    }
  }
  return headers as IncomingHttpHeaders;
}

/** How many raw names are remembered (for tests). */
export function rememberedFieldNames(): number {
  return rules.size;
}

/** Forgets every remembered name (for tests). */
export function forgetFieldRules(): void {
  rules.clear();
}
