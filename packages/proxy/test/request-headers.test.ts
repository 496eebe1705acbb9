import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerOptions } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { forgetFieldNames } from '../src/head-builders.js';
import { rememberedFieldNames } from '../src/header-field-rules.js';
import { ProxyIncomingMessage } from '../src/proxy-incoming-message.js';
import {
  messageBody,
  messageReply,
  type StartedProxy,
  startProxy,
  startRawUpstream,
  target,
} from './harness.js';
import { rawConnect } from './raw-client.js';

/** Sends `head` on a raw socket to `server` and resolves with the request its listener `received`. */
async function sendHead(
  server: Server,
  head: string,
  received: Promise<IncomingMessage>,
): Promise<IncomingMessage> {
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  socket.on('error', () => {});
  socket.end(head);
  try {
    return await received;
  } finally {
    socket.destroy();
  }
}

/** A `node:http` server that answers every request once it ended (trailers in) and hands it to the returned queue. */
async function plainServer(
  options: ServerOptions,
): Promise<{ server: Server; next(): Promise<IncomingMessage> }> {
  const waiters: ((request: IncomingMessage) => void)[] = [];
  const server = createServer(options, (request, response) => {
    request.resume();
    request.on('end', () => {
      response.end();
      waiters.shift()?.(request);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, next: () => new Promise((resolve) => waiters.push(resolve)) };
}

const duplicatesHead =
  'GET /other HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Custom: 1\r\nx-custom: 2\r\nContent-Type: a\r\nCONTENT-TYPE: b\r\n' +
  'Cookie: c=1\r\ncookie: d=2\r\nSet-Cookie: s=1\r\nset-cookie: s=2\r\nAnthropic-Beta: x,y\r\nConstructor: k\r\n' +
  '__proto__: p\r\n\r\n';

describe("the proxy server's request headers", () => {
  let proxy: StartedProxy | undefined;
  const servers: Server[] = [];
  afterEach(async () => {
    try {
      await proxy?.close();
    } finally {
      proxy = undefined;
      for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
    }
  });

  /** ccb's server, whose `otherRequests` listener hands each request to the returned queue. */
  async function proxyServer(): Promise<{ server: Server; next(): Promise<IncomingMessage> }> {
    const waiters: ((request: IncomingMessage) => void)[] = [];
    proxy = await startProxy([], {
      otherRequests: (request, response) => {
        request.resume();
        request.on('end', () => {
          response.end();
          waiters.shift()?.(request);
        });
      },
    });
    return { server: proxy.server.server, next: () => new Promise((resolve) => waiters.push(resolve)) };
  }

  /** The request each of ccb's server and a plain Node server (with `options`) made of `head`. */
  async function bothOf(head: string, limit?: number) {
    const ours = await proxyServer();
    const node = await plainServer({});
    servers.push(node.server);
    if (limit !== undefined) {
      ours.server.maxHeadersCount = limit;
      node.server.maxHeadersCount = limit;
    }
    return {
      ours: await sendHead(ours.server, head, ours.next()),
      node: await sendHead(node.server, head, node.next()),
    };
  }

  it("are Node's: the same keys, values, order and prototype, repeated fields combined alike", async () => {
    forgetFieldNames();
    const { ours, node } = await bothOf(duplicatesHead);
    // Built by ccb's getter, which learned the head's names.
    expect(rememberedFieldNames()).toBeGreaterThan(5);
    expect(ours).toBeInstanceOf(ProxyIncomingMessage);
    expect(node).not.toBeInstanceOf(ProxyIncomingMessage);
    expect(Object.entries(ours.headers)).toEqual(Object.entries(node.headers));
    expect(Object.getPrototypeOf(ours.headers)).toBe(Object.prototype);
    expect(ours.headers['x-custom']).toBe('1, 2');
  });

  it("hold as many fields as Node's parser hands over, whatever the server's maxHeadersCount", async () => {
    const head = `GET /other HTTP/1.1\r\nHost: 127.0.0.1\r\n${'x: 1\r\n'.repeat(1_200)}\r\n`;
    // Node's default keeps 1 000 fields (the host and 999 of x), a limit of 0 all of them.
    for (const [limit, kept] of [
      [undefined, 999],
      [100, 99],
      [0, 1_200],
    ] as const) {
      const { ours, node } = await bothOf(head, limit);
      expect(ours.headers.x).toBe(node.headers.x);
      expect((ours.headers.x as string).split(', ')).toHaveLength(kept);
      await proxy?.close();
      proxy = undefined;
    }
  });

  it('are built again after being set to nothing, as Node rebuilds them', async () => {
    const ours = await proxyServer();
    const request = await sendHead(ours.server, duplicatesHead, ours.next());
    request.headers = { host: 'b' };
    expect(request.headers).toEqual({ host: 'b' });
    request.headers = null as never;
    expect(request.headers['x-custom']).toBe('1, 2');
  });

  it("keep the head's fields when trailers come, and are rebuilt from the head alone", async () => {
    const trailers = Array.from({ length: 12 }, (_, index) => `T${index}: ${index}\r\n`).join('');
    const head = `POST /other HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n1\r\na\r\n0\r\n${trailers}\r\n`;
    const { ours, node } = await bothOf(head);
    expect(Object.keys(ours.trailers)).toHaveLength(12);
    expect(Object.entries(ours.headers)).toEqual(Object.entries(node.headers));
    ours.headers = null as never;
    node.headers = null as never;
    expect(Object.entries(ours.headers)).toEqual(Object.entries(node.headers));
  });

  it("leave joinDuplicateHeaders to Node's own getter", async () => {
    const head = 'GET / HTTP/1.1\r\nHost: a\r\nAuthorization: a\r\nauthorization: b\r\n\r\n';
    const ours = await plainServer({ IncomingMessage: ProxyIncomingMessage, joinDuplicateHeaders: true });
    const node = await plainServer({ joinDuplicateHeaders: true });
    servers.push(ours.server, node.server);
    const request = await sendHead(ours.server, head, ours.next());
    expect(request.headers.authorization).toBe('a, b');
    expect(Object.entries(request.headers)).toEqual(
      Object.entries((await sendHead(node.server, head, node.next())).headers),
    );
    request.headers = { host: 'b' };
    expect(request.headers).toEqual({ host: 'b' });
  });

  it('reach the upstream of a proxied request as Node combined them: one line per field', async () => {
    const seen: string[][] = [];
    const upstream = await startRawUpstream((request, response) => {
      seen.push(request.rawHeaders);
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(messageReply());
      });
    });
    try {
      proxy = await startProxy([target('m1', upstream.url)]);
      const body = messageBody();
      const head =
        'POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'content-type: text/plain\r\nX-Custom: 1\r\nx-custom: 2\r\nCookie: a=1\r\ncookie: b=2\r\n' +
        `Connection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      const client = await rawConnect(proxy.url);
      client.socket.write(head);
      // `Connection: close`: the answer ends the connection.
      const answer = await client.closed(5_000);
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      const raw = seen[0] ?? [];
      const lines = (name: string) =>
        raw.flatMap((value, index) =>
          index % 2 === 0 && value.toLowerCase() === name ? [raw[index + 1]] : [],
        );
      expect(lines('x-custom')).toEqual(['1, 2']);
      expect(lines('content-type')).toEqual(['application/json']);
      expect(lines('cookie')).toEqual(['a=1; b=2']);
    } finally {
      await proxy?.close();
      proxy = undefined;
      await upstream.close();
    }
  });
});
