import { type IncomingHttpHeaders, IncomingMessage } from 'node:http';

/**
 * How Node puts a repeated field into `message.headers` (`_addHeaderLine` in its lib/_http_incoming.js): most joined
 * with `, `, `cookie` with `; `, `set-cookie` as a list, the fields that may appear once (`content-type`, `host`,
 * `authorization`, …) keeping the first, and a name no object can hold as a key (`__proto__`) not at all.
 */
const joinedWithComma = 0;
const joinedWithSemicolon = 1;
const listed = 2;
const firstKept = 3;
const left = 4;

interface FieldRule {
  /** The name as a key of the headers object: lower-cased, and the same string for every spelling of it. */
  readonly key: string;
  readonly repeat: number;
}

/** The part of Node's `IncomingMessage.prototype` that this file asks how Node treats a field. */
interface NodeHeaderLine {
  _addHeaderLine(field: string, value: string, dest: Record<string, unknown>): void;
}

/**
 * The most raw names remembered. A client that sends ever new names (they are its own) cannot grow the table past
 * it: a name not remembered is asked of Node again, at Node's own cost.
 */
export const maxRememberedFieldNames = 512;

/** The rule of each raw name seen, spelled as the client spelled it. */
const rules = new Map<string, FieldRule>();

/**
 * An object whose `_addHeaderLine` is Node's own, with `joinDuplicateHeaders` unset as on ccb's server; `undefined`
 * where this Node has no such method (then `headers` is Node's own getter, see {@link ProxyIncomingMessage}).
 */
const nodeLine: NodeHeaderLine | undefined =
  typeof (IncomingMessage.prototype as Partial<NodeHeaderLine>)._addHeaderLine === 'function'
    ? (Object.create(IncomingMessage.prototype) as NodeHeaderLine)
    : undefined;

/**
 * Node's rule for `name`, learned from Node itself: the name is added twice to an object as Node's getter makes
 * one, and what Node did with the two values is the rule. So the table of singleton fields stays Node's, in every
 * Node version ccb runs on.
 */
function learnRule(line: NodeHeaderLine, name: string): FieldRule {
  const probe: Record<string, unknown> = {};
  line._addHeaderLine(name, 'a', probe);
  line._addHeaderLine(name, 'b', probe);
  const keys = Object.keys(probe);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined) return { key: '', repeat: left };
  const value = probe[key];
  const repeat = Array.isArray(value)
    ? listed
    : value === 'a, b'
      ? joinedWithComma
      : value === 'a; b'
        ? joinedWithSemicolon
        : firstKept;
  return { key, repeat };
}

function ruleOf(line: NodeHeaderLine, name: string): FieldRule {
  let rule = rules.get(name);
  if (rule === undefined) {
    rule = learnRule(line, name);
    if (rules.size < maxRememberedFieldNames) rules.set(name, rule);
  }
  return rule;
}

/**
 * The headers object Node's `message.headers` builds from the first `count` entries of `rawHeaders`, with the same
 * keys, values and order, built in a third of the time: each raw name's rule is looked up once learned, where Node
 * matches the name against its known fields and lower-cases and re-slices it for every request (~3.4 µs for Claude
 * Code's 20 headers, against ~0.9 here; docs/performance.md, item 42). The object has no prototype, as Node's
 * `headersDistinct` has none: a key is only ever a header.
 */
export function headersOf(rawHeaders: readonly string[], count: number): IncomingHttpHeaders {
  const headers = Object.create(null) as Record<string, string | string[] | undefined>;
  const line = nodeLine as NodeHeaderLine;
  for (let index = 0; index + 1 < count; index += 2) {
    const rule = ruleOf(line, rawHeaders[index] as string);
    const value = rawHeaders[index + 1] as string;
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

/**
 * How many header fields the proxy's server puts in `headers`, as Node's `server.maxHeadersCount` (its default, set
 * explicitly so that the getter below and Node's parser agree): a request with more keeps the rest in `rawHeaders`
 * only.
 */
export const maxRequestHeaderFields = 2_000;

const builtHeaders = Symbol('ccb.headers');

/**
 * Node's request message, with a `headers` getter that builds the object by {@link headersOf}. Node's server reads
 * `headers` of every HTTP/1.1 request itself (for `host` and `expect`), so the object is always built: Node's own
 * building took ~3.4 µs of Claude Code's headers, ~5 % of a bare Node proxy's CPU per short request. `joinDuplicateHeaders`, which ccb never
 * sets, and a Node without `_addHeaderLine` keep Node's own getter.
 */
export class ProxyIncomingMessage extends IncomingMessage {
  /** Set by Node's parser from the server's option (undeclared in Node's types). */
  declare readonly joinDuplicateHeaders: boolean | null | undefined;
  [builtHeaders]: IncomingHttpHeaders | undefined = undefined;
}

const nodeHeaders = Object.getOwnPropertyDescriptor(IncomingMessage.prototype, 'headers');
if (nodeLine !== undefined && nodeHeaders?.get !== undefined && nodeHeaders.set !== undefined) {
  const nodeGet = nodeHeaders.get;
  const nodeSet = nodeHeaders.set;
  // An accessor over a property the type declares as a field: defined here rather than in the class body.
  Object.defineProperty(ProxyIncomingMessage.prototype, 'headers', {
    configurable: true,
    enumerable: false,
    get(this: ProxyIncomingMessage): IncomingHttpHeaders {
      if (this.joinDuplicateHeaders) return nodeGet.call(this) as IncomingHttpHeaders;
      let headers = this[builtHeaders];
      if (headers === undefined) {
        const raw = this.rawHeaders;
        headers = headersOf(raw, Math.min(raw.length, 2 * maxRequestHeaderFields));
        this[builtHeaders] = headers;
      }
      return headers;
    },
    set(this: ProxyIncomingMessage, value: IncomingHttpHeaders) {
      if (this.joinDuplicateHeaders) nodeSet.call(this, value);
      else this[builtHeaders] = value;
    },
  });
}
