import { type IncomingHttpHeaders, IncomingMessage } from 'node:http';

/**
 * How Node puts a repeated field into `message.headers` (`_addHeaderLine` in its lib/_http_incoming.js): most joined
 * with `, `, `cookie` with `; `, `set-cookie` as a list, the fields that may appear once (`content-type`, `host`,
 * `authorization`, …) keeping the first, and `__proto__`, which a plain object ignores on assignment, left out.
 */
const joinedWithComma = 0;
const joinedWithSemicolon = 1;
const listed = 2;
const firstKept = 3;
const leftOut = 4;
/** A rule this file does not know (a later Node's): the field goes through Node's own `_addHeaderLine`. */
const byNode = 5;

interface FieldRule {
  /** The name as a key of the headers object: lower-cased, and the same string for every spelling of it. */
  readonly key: string;
  readonly repeat: number;
}

/** The parts of Node's `IncomingMessage.prototype` this file relies on (undeclared in Node's types). */
interface NodeHeaderLines {
  _addHeaderLine(field: string, value: string, dest: Record<string, unknown>): void;
  _addHeaderLines(headers: string[], n: number): void;
}

/**
 * The most raw spellings of names remembered, and the longest. A client that sends ever new names (they are its own)
 * cannot grow the table past it: from a name not remembered on, a head is built by Node's own `_addHeaderLine`.
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
const nodeLine: NodeHeaderLines | undefined =
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
export function leavesToNode(rule: { readonly repeat: number }): boolean {
  return rule.repeat === byNode;
}

/** The remembered rule for `name`, learning it while there is room; `undefined` when there is none. */
function ruleOf(line: NodeHeaderLines, name: string): FieldRule | undefined {
  const known = rules.get(name);
  if (known !== undefined || rules.size >= maxRememberedFieldNames || name.length > maxRememberedNameLength) {
    return known;
  }
  const rule = learnRule(line, name);
  rules.set(name, rule);
  return rule;
}

/** Builds the headers object of a head whose names are those of one path through the tree below. */
type HeadBuilder = (rawHeaders: readonly string[], count: number) => IncomingHttpHeaders;

/**
 * A raw name in the tree of the heads seen: a path from the root spells the names of a head in order. Claude Code and
 * the SDKs send the same names in the same order on every request, so a head's path ends at a node that knows how to
 * build it in one step.
 */
interface NameNode {
  readonly name: string;
  /** The name met after this one by the latest head that went on from here: most heads repeat the one before. */
  last: NameNode | undefined;
  /** Every name met after this one, once there are two: looked up in one step, however many a client adds. */
  next: Map<string, NameNode> | undefined;
  /** How a head that ends here is built: `undefined` before the first such head, `seenOnce` after it. */
  builder: HeadBuilder | undefined;
}

/**
 * Bounds of the tree of heads: the nodes it keeps, the builders made, and the fields of a head that gets one (a longer
 * head is built field by field). Past the first two the tree starts afresh, so that clients that send ever new names
 * or orders cost a rebuild now and then and cannot keep later clients from builders of their own. Realistic clients
 * use a few dozen paths.
 */
export const maxHeadNodes = 4_096;
export const maxHeadBuilders = 128;
export const maxBuiltFields = 64;

/** The root: the place of a head's first name. */
const headTree: Pick<NameNode, 'last' | 'next' | 'builder'> = {
  last: undefined,
  next: undefined,
  builder: undefined,
};
let headNodes = 0;
let headBuilders = 0;

/**
 * The headers object Node's `message.headers` builds from the first `count` entries of `rawHeaders`, with the same
 * keys, values, order and prototype. A head whose names (in order) were seen before is built by a function made for
 * them (an object literal, {@link compileHead}); any other field by field ({@link headersFieldByField}). Node's
 * parser always hands over an even `count`; with an odd one Node's getter would also add the last name (its value
 * read past `count`), this does not.
 */
export function headersOf(rawHeaders: readonly string[], count: number): IncomingHttpHeaders {
  if (count > 2 * maxBuiltFields + 1) return headersFieldByField(rawHeaders, count);
  let node: Pick<NameNode, 'last' | 'next' | 'builder'> = headTree;
  for (let index = 0; index + 1 < count; index += 2) {
    const name = rawHeaders[index] as string;
    let child = node.last;
    if (child === undefined || child.name !== name) {
      child = node.next?.get(name) ?? addName(node, name);
      if (child === undefined) return headersFieldByField(rawHeaders, count);
      node.last = child;
    }
    node = child;
  }
  const builder = node.builder;
  if (builder !== undefined && builder !== seenOnce) return builder(rawHeaders, count);
  // The first head of these names is built field by field; the second makes their builder (one-off heads, a
  // client's probes or a scanner's, make none).
  if (builder === undefined) {
    node.builder = seenOnce;
    return headersFieldByField(rawHeaders, count);
  }
  const made = compileHead(rawHeaders, count) ?? headersFieldByField;
  node.builder = made;
  return made(rawHeaders, count);
}

/** The builder of a node that one head has ended at: the next one makes the real builder. Never called. */
const seenOnce: HeadBuilder = headersFieldByField.bind(undefined);

/** A new node for `name` after `parent`, or `undefined` when the name is too long or the tree was full. */
function addName(parent: Pick<NameNode, 'last' | 'next'>, name: string): NameNode | undefined {
  if (name.length > maxRememberedNameLength) return undefined;
  if (headNodes >= maxHeadNodes) {
    // Full: start afresh. The head at hand is built field by field; the next ones find their paths again.
    forgetHeads();
    return undefined;
  }
  headNodes += 1;
  const node: NameNode = { name, last: undefined, next: undefined, builder: undefined };
  const first = parent.last;
  if (first !== undefined) {
    parent.next ??= new Map([[first.name, first]]);
    parent.next.set(name, node);
  }
  return node;
}

/**
 * A function that builds the headers object of every head with the names of this one, or `undefined` when one of its
 * names has no rule here (it is left to Node), when there are as many builders as the bound (the tree then starts
 * afresh), or when the process forbids code generation from strings. It returns an object literal whose keys
 * are the object's keys in Node's order, each with its values combined as Node combines them, e.g.
 * `(r) => ({ "host": r[1], "accept": r[3] + ", " + r[9], "set-cookie": [r[5], r[7]] })`.
 *
 * A literal gives every such object one hidden class with its fields in the object itself: built field by field, a
 * head of more than 19 fields (Claude Code sends 20) turns into a dictionary, slower to build and to read at every
 * site that reads a header (docs/performance.md, item 44). Each key is written as a JSON string, which
 * is a valid JavaScript string literal for any name; `__proto__`, which a literal would take as the prototype, is a
 * name Node leaves out, and so is never a key here.
 */
function compileHead(rawHeaders: readonly string[], count: number): HeadBuilder | undefined {
  if (headBuilders >= maxHeadBuilders) {
    // As many builders as the bound: start afresh, and this head's names find their path again.
    forgetHeads();
    return undefined;
  }
  const line = nodeLine as NodeHeaderLines;
  const slots = new Map<string, { readonly repeat: number; readonly values: string[] }>();
  for (let index = 0; index + 1 < count; index += 2) {
    const rule = ruleOf(line, rawHeaders[index] as string);
    if (rule === undefined || rule.repeat === byNode) return undefined;
    if (rule.repeat === leftOut) continue;
    const slot = slots.get(rule.key);
    if (slot === undefined) slots.set(rule.key, { repeat: rule.repeat, values: [`r[${index + 1}]`] });
    else slot.values.push(`r[${index + 1}]`);
  }
  const members: string[] = [];
  for (const [key, { repeat, values }] of slots) {
    const value =
      repeat === joinedWithComma
        ? values.join(' + ", " + ')
        : repeat === joinedWithSemicolon
          ? values.join(' + "; " + ')
          : repeat === listed
            ? `[${values.join(', ')}]`
            : (values[0] as string);
    members.push(`${JSON.stringify(key)}: ${value}`);
  }
  try {
    const builder = new Function('r', `"use strict"; return {${members.join(', ')}};`) as HeadBuilder;
    headBuilders += 1;
    return builder;
  } catch {
    // Code generation turned off (`--disallow-code-generation-from-strings`): field by field it is.
    return undefined;
  }
}

/**
 * The headers object built one field at a time: each raw name's rule is looked up once learned, where Node matches
 * the name against its known fields and lower-cases and re-slices it for every request (~3.4 µs for Claude Code's 20
 * headers, against ~1.4 here in a loop in item 42, ~0.3 more since item 43 builds a plain object; docs/performance.md).
 */
function headersFieldByField(rawHeaders: readonly string[], count: number): IncomingHttpHeaders {
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

/** How many nodes the tree of heads holds (for tests). */
export function headNodeCount(): number {
  return headNodes;
}

/** Whether heads with the names of `rawHeaders` are built by a builder of their own (for tests). */
export function hasBuilder(rawHeaders: readonly string[]): boolean {
  let node: Pick<NameNode, 'last' | 'next' | 'builder'> | undefined = headTree;
  for (let index = 0; node !== undefined && index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    node = node.last?.name === name ? node.last : node.next?.get(name);
  }
  const builder = node?.builder;
  return builder !== undefined && builder !== seenOnce && builder !== headersFieldByField;
}

/** How many builders of heads exist (for tests). */
export function headBuilderCount(): number {
  return headBuilders;
}

/** Forgets the tree of heads and their builders. */
function forgetHeads(): void {
  headTree.last = undefined;
  headTree.next = undefined;
  headTree.builder = undefined;
  headNodes = 0;
  headBuilders = 0;
}

/** Forgets every remembered name and head (for tests). */
export function forgetFieldNames(): void {
  rules.clear();
  forgetHeads();
}

const builtHeaders = Symbol('ccb.headers');
const headersCount = Symbol('ccb.headersCount');

/**
 * Node's request message, with a `headers` getter that builds the object by {@link headersOf}. Node's server reads
 * `headers` of every HTTP/1.1 request itself (for `host` and `expect`), so the object is always built: Node's own
 * building took ~3.4 µs of Claude Code's headers, ~5 % of a bare Node proxy's CPU per short request. It reads as
 * many fields as Node's parser hands over for `headers` (`server.maxHeadersCount`), taken from the parser's own
 * call. `joinDuplicateHeaders`, which ccb never sets, keeps Node's own getter.
 */
export class ProxyIncomingMessage extends IncomingMessage {
  /** Set by Node's parser from the server's option (undeclared in Node's types). */
  declare readonly joinDuplicateHeaders: boolean | null | undefined;
  [builtHeaders]: IncomingHttpHeaders | undefined = undefined;
  [headersCount] = 0;
}

const nodeHeaders = Object.getOwnPropertyDescriptor(IncomingMessage.prototype, 'headers');
if (nodeLine !== undefined && nodeHeaders?.get !== undefined && nodeHeaders.set !== undefined) {
  const nodeGet = nodeHeaders.get;
  const nodeSet = nodeHeaders.set;
  const nodeAddLines = nodeLine._addHeaderLines;
  // Methods and an accessor Node's types do not declare, or declare as a field: defined here, not in the class body.
  Object.defineProperties(ProxyIncomingMessage.prototype, {
    _addHeaderLines: {
      configurable: true,
      writable: true,
      value(this: ProxyIncomingMessage, headers: string[], n: number): void {
        // Node's parser calls this once with the head's fields and `n`, how many of them `headers` holds, and again
        // with the trailers once the message is complete.
        if (!this.complete) this[headersCount] = n;
        nodeAddLines.call(this, headers, n);
      },
    },
    headers: {
      configurable: true,
      get(this: ProxyIncomingMessage): IncomingHttpHeaders {
        if (this.joinDuplicateHeaders) return nodeGet.call(this) as IncomingHttpHeaders;
        let headers = this[builtHeaders];
        // As Node's getter: built again after `headers` was set to nothing.
        if (!headers) {
          headers = headersOf(this.rawHeaders, this[headersCount]);
          this[builtHeaders] = headers;
        }
        return headers;
      },
      set(this: ProxyIncomingMessage, value: IncomingHttpHeaders) {
        if (this.joinDuplicateHeaders) nodeSet.call(this, value);
        else this[builtHeaders] = value;
      },
    },
  });
}
