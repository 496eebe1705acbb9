import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCcb, serveProviders } from './run-cli.js';

/** A bare TCP client: what it received once the server closed the connection (bounded by `timeoutInMs`). */
async function rawExchange(
  url: string,
  send: (socket: Socket, isOpen: () => boolean) => Promise<void> | void,
  options: { localAddress?: string; timeoutInMs?: number } = {},
): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port), localAddress: options.localAddress });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {});
  let open = true;
  // Not `once`: it rejects on an error, and a write racing ccb's close fails with EPIPE.
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => {
      open = false;
      resolve();
    });
  });
  await once(socket, 'connect');
  const timeoutInMs = options.timeoutInMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`ccb did not close the connection within ${timeoutInMs} ms`));
    }, timeoutInMs);
  });
  try {
    await Promise.race([Promise.all([send(socket, () => open), closed]), expired]);
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks).toString('latin1');
}

/** Sends a chunked body with no end, 64 KiB at a time with backpressure, for as long as the connection is open. */
async function endlessBody(socket: Socket, isOpen: () => boolean): Promise<void> {
  const chunk = `10000\r\n${'x'.repeat(0x10000)}\r\n`;
  // Bounded: 1 GiB, far more than ccb may read (64 KiB), and the caller's timeout.
  for (let sent = 0; isOpen() && sent < 16_384; sent++) {
    if (socket.write(chunk)) continue;
    // Not `once`: it would reject on the EPIPE of a write racing ccb's close.
    await new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }
}

function statusOf(answer: string): number {
  return Number(answer.split(' ', 2)[1]);
}

describe('ccb serve against slow and greedy clients', () => {
  let upstream: MockUpstream;
  let ccb: RunningCcb;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    upstream = await createMockUpstream({
      name: 'mock',
      apiKey: 'key-mock',
      streamEvents: 3,
      streamIntervalInMs: 200,
    });
    const served = await serveProviders(
      [{ name: 'mock', url: upstream.url, key: 'key-mock' }],
      [
        'server:',
        '  headers_timeout: 400ms',
        '  body_timeout: 400ms',
        '  idle_timeout: 400ms',
        '  max_connections_per_client: 3',
        '  body_limit: 4KiB',
        '  max_body_memory: 6KiB',
        'auth: { admin_key: admin-secret-of-some-length }',
      ].join('\n'),
    );
    ccb = served.ccb;
    dispose = served.dispose;
  });
  afterAll(async () => {
    await dispose();
    await upstream.close();
  });

  it('cuts a request head that does not arrive within server.headers_timeout with a 408', async () => {
    const answer = await rawExchange(ccb.url, (socket) => {
      socket.write('POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\n');
    });
    expect(statusOf(answer)).toBe(408);
    expect(answer).toContain('"type":"timeout_error"');
  });

  it('cuts a body that stalls for server.body_timeout with a 408', async () => {
    const answer = await rawExchange(ccb.url, (socket) => {
      socket.write(
        'POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"model"',
      );
    });
    expect(statusOf(answer)).toBe(408);
    expect(answer).toContain('server.body_timeout');
  });

  it('closes a connection idle for server.idle_timeout', async () => {
    const answer = await rawExchange(ccb.url, (socket) => {
      socket.write('GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    });
    expect(statusOf(answer)).toBe(200);
  });

  it('answers 503 to a body over server.max_body_memory while another is held, before reading it', async () => {
    const body = JSON.stringify({
      model: 'claude-sonnet-4-6',
      max_tokens: 16,
      stream: true,
      messages: [{ role: 'user', content: 'x'.repeat(3_800) }],
    });
    // A streamed answer holds its request's body (for failover) until it ends.
    upstream.reset();
    const streaming = rawExchange(ccb.url, (socket) => {
      socket.write(
        `POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
    await upstream.waitForRequests(1);
    const answer = await rawExchange(ccb.url, (socket) => {
      socket.write(
        'POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 4000\r\n\r\n',
      );
    });
    expect(statusOf(answer)).toBe(503);
    expect(answer).toContain('"type":"overloaded_error"');
    expect(answer.toLowerCase()).toContain('retry-after: 1');
    expect(statusOf(await streaming)).toBe(200);
  });

  it('refuses a connection over server.max_connections_per_client with a 503', async () => {
    // From an address of its own, so that the other tests' connections do not count.
    const held = await Promise.all(
      [1, 2, 3].map(() => {
        const socket = connect({
          host: '127.0.0.1',
          port: Number(new URL(ccb.url).port),
          localAddress: '127.0.0.3',
        });
        socket.on('error', () => {});
        return once(socket, 'connect').then(() => socket);
      }),
    );
    try {
      const answer = await rawExchange(ccb.url, () => {}, { localAddress: '127.0.0.3' });
      expect(statusOf(answer)).toBe(503);
      expect(answer).toContain('server.max_connections_per_client');
    } finally {
      for (const socket of held) socket.destroy();
    }
  });

  it.each([
    ['an unknown path', 'POST /nowhere', 404],
    ['a method the route does not answer', 'PUT /healthz', 405],
    ['an admin route without the admin key', 'POST /admin/reset', 401],
    // A route that takes no body refuses a large one rather than read it.
    ['a health check', 'GET /healthz', 413],
  ])('answers %s without draining an endless body, then closes', async (_name, requestLine, status) => {
    const answer = await rawExchange(ccb.url, async (socket, isOpen) => {
      socket.write(`${requestLine} HTTP/1.1\r\nhost: 127.0.0.1\r\ntransfer-encoding: chunked\r\n\r\n`);
      await endlessBody(socket, isOpen);
    });
    expect(statusOf(answer)).toBe(status);
    expect(answer.toLowerCase()).toContain('connection: close');
  });

  it('serves the official SDK as before', async () => {
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
    const message = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.type).toBe('message');
  });
});
