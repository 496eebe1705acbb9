import type { IncomingHttpHeaders } from 'node:http';
import {
  byNode,
  type FieldRepeat,
  forgetFieldRules,
  headersFieldByField,
  joinedWithComma,
  joinedWithSemicolon,
  leftOut,
  listed,
  maxRememberedNameLength,
  type NodeHeaderLines,
  nodeLine,
  ruleOf,
} from './header-field-rules.js';

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

/** The root, the place of a head's first name: a node like the others (one hidden class for the walk's reads). */
const headTree: NameNode = { name: '', last: undefined, next: undefined, builder: undefined };
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
  let node = headTree;
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
function addName(parent: NameNode, name: string): NameNode | undefined {
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
  const slots = new Map<string, { readonly repeat: FieldRepeat; readonly values: string[] }>();
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

/** How many nodes the tree of heads holds (for tests). */
export function headNodeCount(): number {
  return headNodes;
}

/** Whether heads with the names of `rawHeaders` are built by a builder of their own (for tests). */
export function hasBuilder(rawHeaders: readonly string[]): boolean {
  let node: NameNode | undefined = headTree;
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
  forgetFieldRules();
  forgetHeads();
}
