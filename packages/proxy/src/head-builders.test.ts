import { IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  forgetFieldNames,
  hasBuilder,
  headBuilderCount,
  headersOf,
  headNodeCount,
  maxBuiltFields,
  maxHeadBuilders,
  maxHeadNodes,
} from './head-builders.js';
import {
  maxRememberedFieldNames,
  maxRememberedNameLength,
  rememberedFieldNames,
} from './header-field-rules.js';

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

/** V8's own test of two objects' hidden class, and of fields kept in the object rather than in a dictionary. */
function v8Natives() {
  // Natives syntax, process-wide from here on (for functions compiled afterwards): it only lets `%` parse.
  setFlagsFromString('--allow-natives-syntax');
  return {
    sameHiddenClass: new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean,
    hasFastFields: new Function('a', 'return %HasFastProperties(a)') as (a: object) => boolean,
  };
}

/** Claude Code's request head as Node's parser hands it over: twenty fields. */
function claudeCodeHead(request: number): string[] {
  return [
    'host',
    '127.0.0.1:8787',
    'connection',
    'keep-alive',
    'Accept',
    'application/json',
    'X-Stainless-Retry-Count',
    `${request % 3}`,
    'X-Stainless-Timeout',
    '600',
    'X-Stainless-Lang',
    'js',
    'X-Stainless-Package-Version',
    '0.81.0',
    'X-Stainless-OS',
    'Linux',
    'X-Stainless-Arch',
    'x64',
    'X-Stainless-Runtime',
    'node',
    'X-Stainless-Runtime-Version',
    'v20.20.2',
    'anthropic-dangerous-direct-browser-access',
    'true',
    'anthropic-version',
    '2023-06-01',
    'x-api-key',
    `sk-ant-api03-${request}`,
    'x-app',
    'cli',
    'User-Agent',
    'claude-cli/2.1.112 (external, sdk-cli)',
    'anthropic-beta',
    'claude-code-20250219,interleaved-thinking-2025-05-14',
    'content-type',
    'application/json',
    'accept-encoding',
    'gzip, deflate, br, zstd',
    'content-length',
    `${50_000 + request}`,
  ];
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

  it("builds Node's object for heads seen again and again, each from a builder made for its names", () => {
    const random = randomsFrom(20261208);
    const heads = Array.from({ length: 60 }, () => randomHead(random));
    for (let round = 0; round < 4; round++) {
      for (const head of heads) {
        // The same names with other values: a builder must read each request's values, not the first head's.
        const raw = head.map((entry, index) => (index % 2 === 0 ? entry : `${entry}${round}`));
        expect(Object.entries(headersOf(raw, raw.length))).toEqual(Object.entries(nodeHeaders(raw)));
      }
    }
    // Some heads start with a name the root has no room for (32 names tried in one place): built field by field.
    expect(headBuilderCount()).toBeGreaterThan(20);
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

  it('remembers a bounded number of names, starts afresh when full, and stays right throughout', () => {
    // 1 224 spellings (two per name), past the bound: the table fills, starts afresh and fills again.
    const raw: string[] = [];
    for (let index = 0; index < maxRememberedFieldNames + 100; index++) {
      raw.push(`X-Name-${index}`, 'v', `x-name-${index}`, 'w');
    }
    for (let request = 0; request < 2; request++) {
      expect(Object.entries(headersOf(raw, raw.length))).toEqual(Object.entries(nodeHeaders(raw)));
      expect(rememberedFieldNames()).toBeLessThanOrEqual(maxRememberedFieldNames);
    }
    // A client that comes after still has its names learned, and its heads their builder.
    const claudeCode = claudeCodeHead(1);
    for (let request = 0; request < 2; request++) headersOf(claudeCode, claudeCode.length);
    expect(hasBuilder(claudeCode)).toBe(true);
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
    // at every site that reads one, through V8's runtime.
    const { sameHiddenClass } = v8Natives();
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
      // The first head of some names is built field by field, the later ones by their builder.
      headersOf(head(0), first.length);
      expect(sameHiddenClass(headersOf(first, first.length), headersOf(second, second.length))).toBe(true);
    }
  });

  it("keeps a Claude Code head's fields in the object, where Node's getter makes a dictionary of them", () => {
    // Built field by field, as Node's getter builds it, an object of more than 19 fields turns into a dictionary on
    // Node 20: slower to build, and every read of a header looks the name up in it. (V8's threshold is not asserted.)
    const { hasFastFields } = v8Natives();
    headersOf(claudeCodeHead(1), 40);
    const headers = headersOf(claudeCodeHead(2), 40);
    expect(hasFastFields(headers)).toBe(true);
    expect(Object.entries(headers)).toEqual(Object.entries(nodeHeaders(claudeCodeHead(2))));
    expect(headers['x-api-key']).toBe('sk-ant-api03-2');
  });

  it('makes a bounded number of builders, then starts afresh, and stays right throughout', () => {
    const head = (index: number, value: string) => [`X-A-${index % 32}`, 'h', `X-B-${index}`, value];
    for (let index = 0; index < maxHeadBuilders + 20; index++) {
      for (const value of ['a', 'b']) {
        const raw = head(index, value);
        expect(Object.entries(headersOf(raw, raw.length))).toEqual(Object.entries(nodeHeaders(raw)));
      }
      expect(headBuilderCount()).toBeLessThanOrEqual(maxHeadBuilders);
    }
    // The tree started afresh at the bound: the latest heads have builders of their own again.
    expect(headBuilderCount()).toBeLessThan(maxHeadBuilders);
    expect(hasBuilder(head(maxHeadBuilders + 19, 'c'))).toBe(true);
  });

  it('finds a head among any number of names met in one place, and still makes builders for new ones', () => {
    // 100 one-off heads, each a different first name: the root's place holds them all.
    for (let index = 0; index < 100; index++) headersOf([`X-Junk-${index}`, 'v'], 2);
    const raw = claudeCodeHead(1);
    for (let request = 0; request < 2; request++) headersOf(raw, raw.length);
    expect(hasBuilder(raw)).toBe(true);
    // More names after each of the head's names, met later: the head is still found.
    for (let place = 2; place <= raw.length; place += 2) {
      for (let index = 0; index < 40; index++)
        headersOf([...raw.slice(0, place), `X-Late-${index}`, 'v'], place + 2);
    }
    // And more first names after it: the head is no longer the latest anywhere.
    for (let index = 100; index < 200; index++) headersOf([`X-Junk-${index}`, 'v'], 2);
    expect(hasBuilder(raw)).toBe(true);
    expect(Object.entries(headersOf(raw, raw.length))).toEqual(Object.entries(nodeHeaders(raw)));
  });

  it('joins any number of repeats as Node does: comma, semicolon, and set-cookie as a list', () => {
    const raw = [
      'X-Custom',
      '1',
      'Cookie',
      'a=1',
      'Set-Cookie',
      's=1',
      'x-custom',
      '2',
      'set-cookie',
      's=2',
      'cookie',
      'b=2',
      'SET-COOKIE',
      's=3',
      'X-CUSTOM',
      '3',
      'COOKIE',
      'c=3',
    ];
    for (let request = 0; request < 3; request++) {
      const values = raw.map((entry, index) => (index % 2 === 0 ? entry : `${entry}.${request}`));
      expect(Object.entries(headersOf(values, values.length))).toEqual(Object.entries(nodeHeaders(values)));
    }
    expect(hasBuilder(raw)).toBe(true);
  });

  it('builds a head with a name too long to remember field by field, every time', () => {
    const raw = ['Host', 'h', `X-${'c'.repeat(maxRememberedNameLength)}`, 'v'];
    for (let request = 0; request < 3; request++) {
      expect(Object.entries(headersOf(raw, raw.length))).toEqual(Object.entries(nodeHeaders(raw)));
    }
    expect(hasBuilder(raw)).toBe(false);
    expect(headNodeCount()).toBe(1);
  });

  it('builds field by field where code generation from strings is not allowed', () => {
    const original = globalThis.Function;
    const raw = claudeCodeHead(1);
    headersOf(raw, raw.length);
    // What `--disallow-code-generation-from-strings` makes of `new Function`.
    globalThis.Function = function refused() {
      throw new EvalError('Code generation from strings disallowed for this context');
    } as unknown as FunctionConstructor;
    let headers: ReturnType<typeof headersOf>;
    try {
      headers = headersOf(raw, raw.length);
    } finally {
      globalThis.Function = original;
    }
    expect(Object.entries(headers)).toEqual(Object.entries(nodeHeaders(raw)));
    expect(hasBuilder(raw)).toBe(false);
    expect(headBuilderCount()).toBe(0);
  });

  it('starts its tree of heads afresh when full, and stays right throughout', () => {
    // Heads of the same 30 names in ever new orders, as a client might send: each takes tree nodes for its path.
    const random = randomsFrom(7);
    let largest = 0;
    let startedAfresh = false;
    for (let head = 0; head < maxHeadNodes / 4; head++) {
      const raw = Array.from({ length: 8 }, () => [`X-${Math.floor(random() * 30)}`, 'v']).flat();
      expect(Object.entries(headersOf(raw, raw.length))).toEqual(Object.entries(nodeHeaders(raw)));
      const nodes = headNodeCount();
      expect(nodes).toBeLessThanOrEqual(maxHeadNodes);
      if (nodes < largest) startedAfresh = true;
      largest = Math.max(largest, nodes);
    }
    expect(startedAfresh).toBe(true);
    // A head seen again after the tree started afresh gets its builder again.
    const raw = claudeCodeHead(1);
    for (let request = 0; request < 3; request++) headersOf(raw, raw.length);
    expect(headBuilderCount()).toBeGreaterThan(0);
    expect(hasBuilder(raw)).toBe(true);
    expect(Object.entries(headersOf(raw, raw.length))).toEqual(Object.entries(nodeHeaders(raw)));
  });

  it('builds a head of more fields than it makes builders for field by field', () => {
    const raw = Array.from({ length: maxBuiltFields + 1 }, (_, field) => [
      `X-F${field % 3}`,
      `${field}`,
    ]).flat();
    for (let request = 0; request < 3; request++) {
      expect(Object.entries(headersOf(raw, raw.length))).toEqual(Object.entries(nodeHeaders(raw)));
    }
    expect(headBuilderCount()).toBe(0);
  });

  it('reads only the first `count` entries, as Node does past maxHeadersCount', () => {
    const raw = ['a', '1', 'b', '2', 'c', '3'];
    // Again and again, with two counts: by builders as well as field by field.
    for (let request = 0; request < 3; request++) {
      for (const count of [4, 6]) {
        expect(Object.entries(headersOf(raw, count))).toEqual(Object.entries(nodeHeaders(raw, count)));
      }
    }
    expect(hasBuilder(raw.slice(0, 4))).toBe(true);
    expect(hasBuilder(raw)).toBe(true);
  });
});
