import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageBody, type StartedProxy, startProxy, startRawUpstream, target } from './harness.js';
import { parseAnswer, type RawClient, rawConnect } from './raw-client.js';

const tenMiB = 10 * 1024 * 1024;
const head = (length: number, extra = '') =>
  `POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${extra}content-length: ${length}\r\n\r\n`;

describe('greedy clients', () => {
  let upstream: MockUpstream;
  let proxy: StartedProxy | undefined;
  const clients: RawClient[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    upstream = await createMockUpstream({ name: 'mock', apiKey: 'key-mock' });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.destroy();
    await proxy?.close();
    proxy = undefined;
    await upstream.close();
    for (const close of closers.splice(0)) await close();
  });
  const raw = async (url: string) => {
    const client = await rawConnect(url);
    clients.push(client);
    return client;
  };
  /** The proxy's side of each connection, in the order they were accepted. */
  const serverSockets = (started: StartedProxy) => {
    const sockets: Socket[] = [];
    started.server.server.on('connection', (socket: Socket) => sockets.push(socket));
    return sockets;
  };

  it('refuses the connection over max_connections_per_client with a 503 and frees the slot when one closes', async () => {
    proxy = await startProxy([target('mock', upstream.url)], { maxConnectionsPerClient: 3 });
    const accepted = serverSockets(proxy);
    const held = [await raw(proxy.url), await raw(proxy.url), await raw(proxy.url)];
    const over = await raw(proxy.url);
    const refused = parseAnswer(await over.closed());
    expect(refused.status).toBe(503);
    expect(refused.headers.connection).toBe('close');
    expect(refused.headers['retry-after']).toBe('1');
    expect(JSON.parse(refused.body).error).toEqual({
      type: 'overloaded_error',
      message: expect.stringContaining('server.max_connections_per_client'),
    });
    // One of the three goes away; once ccb has seen it close, a new connection is served.
    const first = held[0] as RawClient;
    const firstOnServer = accepted.find((socket) => socket.remotePort === first.socket.localPort) as Socket;
    first.socket.destroy();
    if (!firstOnServer.destroyed) await once(firstOnServer, 'close');
    const next = await raw(proxy.url);
    const body = messageBody();
    next.socket.write(`${head(Buffer.byteLength(body))}${body}`);
    expect(parseAnswer(await next.waitFor('"end_turn"')).status).toBe(200);
  });

  it('answers 503 overloaded_error to a body that would exceed max_body_memory, and takes it once memory returns', async () => {
    // The upstream holds the first request's answer open: its body stays held (for failover) until then.
    let release: (() => void) | undefined;
    const holding = await startRawUpstream((request, response: ServerResponse) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.flushHeaders();
      release = () =>
        response.end('{"type":"message","content":[],"usage":{"input_tokens":1,"output_tokens":1}}');
    });
    closers.push(() => holding.close());
    proxy = await startProxy([target('holding', holding.url)], {
      maxBodyMemoryInBytes: 2_000,
      bodyLimitInBytes: 2_000,
    });
    const big = messageBody({ padding: 'x'.repeat(1_400) });
    expect(Buffer.byteLength(big)).toBeGreaterThan(1_400);
    const first = await raw(proxy.url);
    const headersReceived = new Promise<void>((resolve) => {
      holding.server.once('request', () => resolve());
    });
    first.socket.write(`${head(Buffer.byteLength(big))}${big}`);
    await headersReceived;

    // A declared length is counted before any byte of it: answered at once, the body never read.
    const declared = await raw(proxy.url);
    declared.socket.write(head(600));
    const refused = parseAnswer(await declared.closed());
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers.connection).toBe('close');
    expect(JSON.parse(refused.body).error).toEqual({
      type: 'overloaded_error',
      message: expect.stringContaining('server.max_body_memory'),
    });
    // A chunked body is counted as it arrives.
    const chunked = await raw(proxy.url);
    chunked.socket.write(
      'POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n',
    );
    chunked.socket.write(`258\r\n${'y'.repeat(600)}\r\n`);
    expect(parseAnswer(await chunked.closed()).status).toBe(503);

    (release as () => void)();
    expect(parseAnswer(await first.waitFor('"output_tokens":1}}')).status).toBe(200);
    const after = await raw(proxy.url);
    after.socket.write(`${head(Buffer.byteLength(big))}${big}`);
    const answered = new Promise<void>((resolve) => {
      holding.server.once('request', () => resolve());
    });
    await answered;
    (release as () => void)();
    expect(parseAnswer(await after.waitFor('"output_tokens":1}}')).status).toBe(200);
  });

  it.each([
    [
      'a 401 for a wrong client key',
      'POST /v1/messages',
      'content-type: application/json\r\n',
      401,
      'authentication_error',
    ],
    ['a 404 outside /v1/', 'POST /nowhere', '', 404, 'not_found_error'],
    [
      "the request guard's 415 for a text/plain body",
      'POST /v1/messages',
      'content-type: text/plain\r\n',
      415,
      'invalid_request_error',
    ],
    [
      "the request guard's 421 for a foreign Host",
      'POST /v1/messages',
      'content-type: application/json\r\n',
      421,
      'invalid_request_error',
      'evil.example',
    ],
  ])(
    'answers %s without reading a 10 MiB body, and closes the connection',
    async (_name, requestLine, extra, status, type, host = '127.0.0.1') => {
      proxy = await startProxy([target('mock', upstream.url)], {
        clientApiKeys: ['right-key-of-some-length'],
      });
      const accepted = serverSockets(proxy);
      const client = await raw(proxy.url);
      client.socket.write(
        `${requestLine} HTTP/1.1\r\nhost: ${host}\r\nx-api-key: wrong\r\n${extra}content-length: ${tenMiB}\r\n\r\n`,
      );
      client.socket.write(Buffer.alloc(tenMiB, 0x20));
      const answer = parseAnswer(await client.closed());
      expect(answer.status).toBe(status);
      expect(answer.headers.connection).toBe('close');
      expect(JSON.parse(answer.body).error.type).toBe(type);
      const onServer = accepted[0] as Socket;
      if (!onServer.destroyed) await once(onServer, 'close');
      expect(onServer.bytesRead).toBeLessThan(2 * 1024 * 1024);
      expect(upstream.requests).toHaveLength(0);
    },
  );

  it('keeps the CORS headers on a refusal to a page of an allowed origin, still without reading its 10 MiB body', async () => {
    proxy = await startProxy([target('mock', upstream.url)], {
      clientApiKeys: ['right-key-of-some-length'],
      corsOrigins: ['https://app.example.com'],
    });
    const accepted = serverSockets(proxy);
    const client = await raw(proxy.url);
    client.socket.write(
      `POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\norigin: https://app.example.com\r\nx-api-key: wrong\r\ncontent-type: application/json\r\ncontent-length: ${tenMiB}\r\n\r\n`,
    );
    client.socket.write(Buffer.alloc(tenMiB, 0x20));
    const answer = parseAnswer(await client.closed());
    expect(answer.status).toBe(401);
    expect(answer.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const onServer = accepted[0] as Socket;
    if (!onServer.destroyed) await once(onServer, 'close');
    expect(onServer.bytesRead).toBeLessThan(2 * 1024 * 1024);
  });

  it('drains a small refused body and keeps the connection for the next request', async () => {
    proxy = await startProxy([target('mock', upstream.url)], { clientApiKeys: ['right-key-of-some-length'] });
    const client = await raw(proxy.url);
    const body = messageBody();
    client.socket.write(`${head(Buffer.byteLength(body), 'x-api-key: wrong\r\n')}${body}`);
    await client.waitFor('authentication_error');
    client.socket.write(`${head(Buffer.byteLength(body), 'x-api-key: right-key-of-some-length\r\n')}${body}`);
    expect(await client.waitFor('"end_turn"')).toMatch(/^HTTP\/1\.1 401 [\s\S]*HTTP\/1\.1 200 /);
  });

  it('lets the official SDK read a 401 sent before its 10 MiB body was read', async () => {
    proxy = await startProxy([target('mock', upstream.url)], { clientApiKeys: ['right-key-of-some-length'] });
    const client = new Anthropic({ baseURL: proxy.url, apiKey: 'wrong', maxRetries: 0 });
    const refused = await client.messages
      .create({
        model: 'claude-sonnet-4-6',
        max_tokens: 16,
        messages: [{ role: 'user', content: 'x'.repeat(tenMiB) }],
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it('answers a malformed request line with a 400 in Anthropic shape', async () => {
    proxy = await startProxy([target('mock', upstream.url)]);
    const client = await raw(proxy.url);
    client.socket.write('NOT AN HTTP REQUEST\r\n\r\n');
    const answer = parseAnswer(await client.closed());
    expect(answer.status).toBe(400);
    expect(answer.headers.connection).toBe('close');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.body)).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining('malformed HTTP request') },
    });
  });

  it('answers a 100 KiB header with a 431 in Anthropic shape', async () => {
    proxy = await startProxy([target('mock', upstream.url)]);
    const client = await raw(proxy.url);
    client.socket.write(
      `GET /v1/models HTTP/1.1\r\nhost: 127.0.0.1\r\nx-big: ${'a'.repeat(100 * 1024)}\r\n\r\n`,
    );
    const answer = parseAnswer(await client.closed());
    expect(answer.status).toBe(431);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'the request headers are larger than ccb accepts' },
    });
  });
});
