import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createRequestGuard, type RequestGuardOptions } from './request-guard.js';

const origin = 'https://app.example.com';
let server: Server | undefined;
let client: Client | undefined;
const admitted: string[] = [];

/** A real server whose listener is the guard, then one of several ways of writing an answer (chosen by path). */
async function serve(options: RequestGuardOptions): Promise<Client> {
  const guard = createRequestGuard(options);
  server = createServer((request, response) => {
    const path = guard.admit(request, response);
    if (path === undefined) return;
    admitted.push(`${request.method} ${path} ${request.url}`);
    request.resume();
    if (path === '/implicit') {
      response.setHeader('vary', 'accept');
      response.end('implicit');
    } else if (path === '/object') {
      response.writeHead(200, 'Fine', { vary: 'accept-encoding', 'x-list': ['1', '2'], 'content-length': 6 });
      response.end('object');
    } else {
      response.writeHead(200, ['x-a', '1', 'x-a', '2', 'Access-Control-Allow-Origin', '*']).end('flat');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  client = new Client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return client;
}

afterEach(async () => {
  await client?.close();
  server?.closeAllConnections();
  server?.close();
  admitted.length = 0;
});

async function send(method: string, path: string, headers: Record<string, string> = {}) {
  const response = await (client as Client).request({ method, path, headers });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text };
}

describe('createRequestGuard', () => {
  it("admits ccb's own pages (Origin names the host asked), and refuses another port or host", async () => {
    await serve({});
    const port = ((server as Server).address() as AddressInfo).port;
    const own = await send('POST', '/admin/x', {
      host: `127.0.0.1:${port}`,
      origin: `http://127.0.0.1:${port}`,
    });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBe('*');
    const otherPort = await send('POST', '/admin/x', {
      host: `127.0.0.1:${port}`,
      origin: `http://127.0.0.1:${port + 1}`,
    });
    expect(otherPort.status).toBe(403);
    const otherHost = await send('POST', '/admin/x', {
      host: `127.0.0.1:${port}`,
      origin: `http://localhost:${port}`,
    });
    expect(otherHost.status).toBe(403);
    expect(admitted).toEqual([`POST /admin/x /admin/x`]);
  });

  it('checks Host first, then Origin, then the path: the first refusal answers', async () => {
    await serve({});
    const both = await send('GET', '/v1/../x', { host: 'evil.example', origin: 'https://evil.example' });
    expect(both.status).toBe(421);
    expect(JSON.parse(both.text)).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(JSON.parse(both.text).error.message).toContain('"evil.example"');
    expect((await send('GET', '/v1/../x', { origin: 'https://evil.example' })).status).toBe(403);
    expect((await send('GET', '/v1/../x')).status).toBe(400);
    expect(admitted).toEqual([]);
  });

  it('accepts the Host of the listen address it is given, as a handler used alone must be told', async () => {
    await serve({ host: '0.0.0.0' });
    expect((await send('GET', '/healthz', { host: '0.0.0.0:8000' })).status).toBe(200);
    expect((await send('GET', '/healthz', { host: 'ccb.lan:8000' })).status).toBe(421);
    await client?.close();
    server?.close();
    await serve({ allowedHosts: ['ccb.lan'] });
    expect((await send('GET', '/healthz', { host: 'ccb.lan:8000' })).status).toBe(200);
  });

  it('cuts a long Host short in its message', async () => {
    await serve({});
    const long = await send('GET', '/', { host: `${'a'.repeat(300)}.example` });
    expect(long.status).toBe(421);
    expect(JSON.parse(long.text).error.message).toContain(`"${'a'.repeat(100)}…"`);
  });

  it('rewrites request.url to the normal path, the query as sent', async () => {
    await serve({});
    await send('GET', '/%68ealthz?a=%2e%2e/..');
    expect(admitted).toEqual(['GET /healthz /healthz?a=%2e%2e/..']);
  });

  it('adds CORS headers whichever way the answer is written, keeping repeated fields and vary', async () => {
    await serve({ corsOrigins: [origin] });
    const flat = await send('GET', '/flat', { origin });
    expect(flat.headers['x-a']).toEqual(['1', '2']);
    expect(flat.headers['access-control-allow-origin']).toBe(origin);
    expect(flat.headers.vary).toBe('origin');
    const object = await send('GET', '/object', { origin });
    expect(object.headers['x-list']).toEqual(['1', '2']);
    expect(object.headers.vary).toBe('accept-encoding, origin');
    expect(object.headers['access-control-allow-origin']).toBe(origin);
    expect(object.text).toBe('object');
    const implicit = await send('GET', '/implicit', { origin });
    expect(implicit.headers.vary).toBe('accept, origin');
    expect(implicit.headers['access-control-expose-headers']).toContain('x-ccb-provider');
    expect(implicit.text).toBe('implicit');
    const without = await send('GET', '/flat');
    expect(without.headers['access-control-allow-origin']).toBe('*');
    expect(without.headers.vary).toBeUndefined();
  });

  it('matches origins exactly, as browsers write them', async () => {
    await serve({ corsOrigins: ['HTTPS://App.Example.com'] });
    expect((await send('GET', '/flat', { origin })).status).toBe(200);
    for (const other of [
      `${origin}/`,
      `${origin}:443`,
      'http://app.example.com',
      'https://app.example.com.evil',
      'null',
    ]) {
      expect((await send('GET', '/flat', { origin: other })).status, other).toBe(403);
    }
  });

  it('answers an OPTIONS without Access-Control-Request-Method as any other method', async () => {
    await serve({ corsOrigins: [origin] });
    const options = await send('OPTIONS', '/v1/messages', { origin });
    expect(options.status).toBe(405);
    expect(options.headers.allow).toBe('POST');
    expect(options.headers['access-control-allow-origin']).toBe(origin);
    expect(admitted).toEqual([]);
  });
});
