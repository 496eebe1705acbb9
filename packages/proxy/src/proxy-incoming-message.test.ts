import { IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  forgetFieldNames,
  headersOf,
  learnRule,
  leavesToNode,
  maxRememberedFieldNames,
  maxRememberedNameLength,
  rememberedFieldNames,
} from './proxy-incoming-message.js';

/** What Node's own getter builds from `raw`: a plain message given the head as Node's parser gives it. */
function nodeHeaders(raw: string[], count = raw.length): Record<string, unknown> {
  const message = new IncomingMessage(null as never) as IncomingMessage & {
    _addHeaderLines(headers: string[], n: number): void;
  };
  message._addHeaderLines(raw, count);
  return message.headers as Record<string, unknown>;
}

/** Every field Node treats apart (lib/_http_incoming.js `matchKnownFields`), and names that are object keys too. */
const specialNames = [
  'age',
  'host',
  'from',
  'etag',
  'date',
  'vary',
  'server',
  'cookie',
  'origin',
  'expect',
  'accept',
  'referer',
  'expires',
  'upgrade',
  'location',
  'if-match',
  'user-agent',
  'set-cookie',
  'connection',
  'retry-after',
  'content-type',
  'max-forwards',
  'authorization',
  'last-modified',
  'cache-control',
  'if-none-match',
  'content-length',
  'accept-encoding',
  'accept-language',
  'x-forwarded-for',
  'content-encoding',
  'x-forwarded-host',
  'if-modified-since',
  'transfer-encoding',
  'x-forwarded-proto',
  'proxy-authorization',
  'if-unmodified-since',
  'anthropic-beta',
  'x-api-key',
  'x-stainless-retry-count',
  '__proto__',
  'constructor',
  '__defineGetter__',
  'valueOf',
];

/** A seeded generator (mulberry32), so a failure can be replayed. */
function randomsFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function spelling(name: string, random: () => number): string {
  switch (Math.floor(random() * 4)) {
    case 0:
      return name;
    case 1:
      return name.toUpperCase();
    case 2:
      // Title-Case, as curl and browsers send known fields.
      return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
    default:
      return [...name].map((c) => (random() < 0.5 ? c.toUpperCase() : c)).join('');
  }
}

function randomHead(random: () => number): string[] {
  const raw: string[] = [];
  const fields = Math.floor(random() * 30);
  for (let field = 0; field < fields; field++) {
    const name = specialNames[Math.floor(random() * specialNames.length)] as string;
    const values = ['', 'a', 'b, c', 'x=1; y=2', `v${Math.floor(random() * 1000)}`];
    raw.push(spelling(name, random), values[Math.floor(random() * values.length)] as string);
  }
  return raw;
}

describe('headersOf', () => {
  beforeEach(() => forgetFieldNames());

  it("builds the object Node's getter builds: the same keys, values and order, repeats combined alike", () => {
    const random = randomsFrom(20261207);
    for (let head = 0; head < 3_000; head++) {
      const raw = randomHead(random);
      expect(Object.entries(headersOf(raw, raw.length))).toEqual(Object.entries(nodeHeaders(raw)));
    }
  });

  it('keeps the rule Node has for each repeated field: joined, joined with "; ", listed, first kept, or left out', () => {
    const raw = [
      'X-Custom',
      'a',
      'x-custom',
      'b',
      'Content-Type',
      'application/json',
      'content-type',
      'text/plain',
      'Cookie',
      'a=1',
      'cookie',
      'b=2',
      'Set-Cookie',
      's=1',
      'set-cookie',
      's=2',
      '__proto__',
      'x',
    ];
    const headers = headersOf(raw, raw.length);
    expect(Object.entries(headers)).toEqual([
      ['x-custom', 'a, b'],
      ['content-type', 'application/json'],
      ['cookie', 'a=1; b=2'],
      ['set-cookie', ['s=1', 's=2']],
    ]);
  });

  it('remembers a bounded number of names, and stays right for every name past them', () => {
    const raw: string[] = [];
    for (let index = 0; index < maxRememberedFieldNames + 100; index++) {
      raw.push(`X-Name-${index}`, 'v', `x-name-${index}`, 'w');
    }
    expect(Object.entries(headersOf(raw, raw.length))).toEqual(Object.entries(nodeHeaders(raw)));
    expect(rememberedFieldNames()).toBe(maxRememberedFieldNames);
    // Again with the table full: a head with names past it is built by Node's own `_addHeaderLine`.
    expect(Object.entries(headersOf(raw, raw.length))).toEqual(Object.entries(nodeHeaders(raw)));
    expect(rememberedFieldNames()).toBe(maxRememberedFieldNames);
  });

  it('leaves a long name to Node, unremembered', () => {
    const long = `X-${'a'.repeat(maxRememberedNameLength)}`;
    const raw = ['Content-Type', 'a', long, '1', long.toLowerCase(), '2'];
    expect(Object.entries(headersOf(raw, raw.length))).toEqual(Object.entries(nodeHeaders(raw)));
    expect(rememberedFieldNames()).toBe(1);
  });

  it("gives the object the prototype of Node's", () => {
    const headers = headersOf(['Host', 'a'], 2);
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(Object.hasOwn(headers, 'host')).toBe(true);
  });

  it("gives every head of the same names one hidden class, as Node's objects share theirs", () => {
    // V8's caches key on the hidden class: an object with one of its own per request sends the reads of its headers,
    // at every site that reads one, through V8's runtime. Natives syntax, process-wide from here on (for functions
    // compiled afterwards): it only lets `%` parse.
    setFlagsFromString('--allow-natives-syntax');
    const sameHiddenClass = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (
      a: object,
      b: object,
    ) => boolean;
    const long = `X-${'b'.repeat(maxRememberedNameLength)}`;
    const fields = (count: number, request: number) =>
      Array.from({ length: count }, (_, field) => [`X-Field-${field}`, `${request}`]).flat();
    const heads = [
      // Plain objects up to about twenty fields, dictionaries past them: both kinds.
      (request: number) => fields(8, request),
      (request: number) => fields(24, request),
      // A name too long to remember: the rest of the head is added by Node's fallback.
      (request: number) => ['Host', 'a', long, `${request}`, 'X-B', 'c'],
    ];
    for (const head of heads) {
      const first = head(1);
      const second = head(2);
      expect(sameHiddenClass(nodeHeaders(first), nodeHeaders(second))).toBe(true);
      expect(sameHiddenClass(headersOf(first, first.length), headersOf(second, second.length))).toBe(true);
    }
  });

  it('reads only the first `count` entries, as Node does past maxHeadersCount', () => {
    const raw = ['a', '1', 'b', '2', 'c', '3'];
    expect(Object.entries(headersOf(raw, 4))).toEqual(Object.entries(nodeHeaders(raw, 4)));
  });

  it('leaves to Node a name whose rule it does not know, and keeps the first only when Node did', () => {
    const node = IncomingMessage.prototype as unknown as Parameters<typeof learnRule>[0];
    expect(leavesToNode(learnRule(node, 'Content-Type'))).toBe(false);
    expect(leavesToNode(learnRule(node, 'X-Custom'))).toBe(false);
    // Rules a later Node might have: the last value kept, or another separator.
    const lastKept = {
      _addHeaderLine: (field: string, value: string, dest: Record<string, unknown>) => {
        dest[field.toLowerCase()] = value;
      },
    };
    const piped = {
      _addHeaderLine: (field: string, value: string, dest: Record<string, unknown>) => {
        const key = field.toLowerCase();
        dest[key] = dest[key] === undefined ? value : `${dest[key]} | ${value}`;
      },
    };
    expect(leavesToNode(learnRule(lastKept, 'X-Custom'))).toBe(true);
    expect(leavesToNode(learnRule(piped, 'X-Custom'))).toBe(true);
  });
});
