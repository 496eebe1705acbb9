import { once } from 'node:events';
import { createServer, IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  headersOf,
  maxRememberedFieldNames,
  maxRequestHeaderFields,
  ProxyIncomingMessage,
} from './incoming-headers.js';

/** What Node's own getter builds from `raw`: a plain message given the head as Node's parser gives it. */
function nodeHeaders(raw: string[], count = raw.length): Record<string, unknown> {
  const message = new IncomingMessage(new Socket()) as IncomingMessage & {
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
  'toString',
  'hasOwnProperty',
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
  it("builds the object Node's getter builds: the same keys, values and order, repeats combined alike", () => {
    const random = randomsFrom(20261207);
    for (let head = 0; head < 3_000; head++) {
      const raw = randomHead(random);
      expect(Object.entries(headersOf(raw, raw.length))).toEqual(Object.entries(nodeHeaders(raw)));
    }
  });

  it('keeps Node’s rule for each repeated field: joined, joined with "; ", listed, first kept, or left out', () => {
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
    expect(Object.getPrototypeOf(headers)).toBeNull();
  });

  it('stays right past the names it remembers, for a client that sends ever new ones', () => {
    const raw: string[] = [];
    for (let index = 0; index < maxRememberedFieldNames + 100; index++)
      raw.push(`X-Name-${index}`, 'v', `x-name-${index}`, 'w');
    expect(Object.entries(headersOf(raw, raw.length))).toEqual(Object.entries(nodeHeaders(raw)));
    // Once more, when the later names are not remembered.
    expect(Object.entries(headersOf(raw, raw.length))).toEqual(Object.entries(nodeHeaders(raw)));
  });

  it('reads only the first `count` entries, as Node does past maxHeadersCount', () => {
    const raw = ['a', '1', 'b', '2', 'c', '3'];
    expect(Object.entries(headersOf(raw, 4))).toEqual(Object.entries(nodeHeaders(raw, 4)));
  });
});

describe('ProxyIncomingMessage on a server', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server !== undefined) await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  /** Sends `head` on a raw socket to a server made with `options`, and resolves with the request it received. */
  async function receive(head: string, options: { joinDuplicateHeaders?: boolean } = {}) {
    const received = new Promise<IncomingMessage>((resolve) => {
      server = createServer({ IncomingMessage: ProxyIncomingMessage, ...options }, (request, response) => {
        response.end();
        resolve(request);
      });
    });
    const listening = server as Server;
    listening.maxHeadersCount = maxRequestHeaderFields;
    listening.listen(0, '127.0.0.1');
    await once(listening, 'listening');
    const socket = connect((listening.address() as AddressInfo).port, '127.0.0.1');
    socket.on('error', () => {});
    socket.end(head);
    const request = await received;
    socket.destroy();
    return request;
  }

  it("gives a request the headers Node's own message would have", async () => {
    const request = await receive(
      'GET / HTTP/1.1\r\nHost: a\r\nX-Custom: 1\r\nx-custom: 2\r\nContent-Type: a\r\nCONTENT-TYPE: b\r\n' +
        'Cookie: c=1\r\ncookie: d=2\r\nSet-Cookie: s=1\r\nset-cookie: s=2\r\nAnthropic-Beta: x,y\r\n\r\n',
    );
    expect(request).toBeInstanceOf(ProxyIncomingMessage);
    expect(Object.entries(request.headers)).toEqual(Object.entries(nodeHeaders(request.rawHeaders)));
    expect(request.headers['x-custom']).toBe('1, 2');
    expect(request.headers['content-type']).toBe('a');
  });

  it('keeps the first maxHeadersCount fields in `headers`, as Node does, and more in rawHeaders', async () => {
    const fields = maxRequestHeaderFields + 50;
    const request = await receive(`GET / HTTP/1.1\r\nHost: a\r\n${'x: 1\r\n'.repeat(fields - 1)}\r\n`);
    // Node's parser hands over header fields 32 at a time and stops past the limit: rawHeaders holds a few more.
    expect(request.rawHeaders.length).toBeGreaterThan(2 * maxRequestHeaderFields);
    expect((request.headers.x as string).split(', ')).toHaveLength(maxRequestHeaderFields - 1);
  });

  it("leaves `joinDuplicateHeaders` to Node's own getter", async () => {
    const request = await receive(
      'GET / HTTP/1.1\r\nHost: a\r\nAuthorization: a\r\nauthorization: b\r\n\r\n',
      {
        joinDuplicateHeaders: true,
      },
    );
    expect(request.headers.authorization).toBe('a, b');
    expect(Object.getPrototypeOf(request.headers)).toBe(Object.prototype);
  });

  it('takes headers set by hand, as Node lets code replace them', async () => {
    const request = await receive('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    request.headers = { host: 'b' };
    expect(request.headers).toEqual({ host: 'b' });
  });
});
