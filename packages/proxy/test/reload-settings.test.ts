import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { type Dispatcher, Pool, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ProxyError,
  type ProxyServerSettings,
  type UpstreamEntry,
  type UpstreamTarget,
} from '../src/index.js';
import {
  entriesOf,
  fixedPlanner,
  messageBody,
  post,
  recordingCloses,
  type StartedProxy,
  startProxy,
  target,
} from './harness.js';
import { parseAnswer, type RawClient, rawConnect } from './raw-client.js';

/** Settings for a reload with the tests' short shutdown grace. */
function settings(
  targets: readonly UpstreamTarget[],
  extra: Partial<ProxyServerSettings> = {},
): ProxyServerSettings {
  return {
    upstreams: entriesOf(targets),
    planner: fixedPlanner(targets.map((item) => item.name)),
    shutdownGraceInMs: 2_000,
    ...extra,
  };
}

const key = (apiKey: string) => ({ 'x-api-key': apiKey });

describe('reconfigure: settings', () => {
  let upstream: MockUpstream;
  let proxy: StartedProxy | undefined;
  const clients: RawClient[] = [];
  beforeEach(async () => {
    upstream = await createMockUpstream({ name: 'mock', apiKey: 'key-mock' });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.destroy();
    await proxy?.close();
    proxy = undefined;
    await upstream.close();
  });
  const raw = async (url: string) => {
    const client = await rawConnect(url);
    clients.push(client);
    return client;
  };

  it('refuses invalid settings with the codes of construction, and changes nothing', async () => {
    const made: string[] = [];
    const createDispatcher = (entry: UpstreamEntry): Dispatcher => {
      made.push(entry.target.name);
      return new Pool(entry.target.origin);
    };
    const mock = target('mock', upstream.url, { apiKey: 'key-mock' });
    proxy = await startProxy([mock], { clientApiKeys: ['k1'], createDispatcher });
    const other = target('other', upstream.url, { apiKey: 'key-mock' });
    const invalid: Partial<ProxyServerSettings>[] = [
      { maxAttempts: 0 },
      { upstreams: entriesOf([other, other]) },
      { extraApiRoutes: ['FETCH /v1/things'] },
      { allowedHosts: ['two words'] },
      { headersTimeoutInMs: -1 },
      { idleTimeoutInMs: 1.5 },
    ];
    for (const extra of invalid) {
      let thrown: unknown;
      try {
        proxy.server.reconfigure(settings([other], { clientApiKeys: ['k2'], ...extra }));
      } catch (error) {
        thrown = error;
      }
      expect(ProxyError.is(thrown) && thrown.code).toBe('CCB_PROXY_INVALID_OPTIONS');
    }
    expect(made).toEqual(['mock']);
    expect(proxy.server.server.headersTimeout).toBe(30_000);
    expect((await post(proxy.url, '/v1/messages', messageBody(), key('k1'))).status).toBe(200);
    expect((await post(proxy.url, '/v1/messages', messageBody(), key('k2'))).status).toBe(401);
    expect(upstream.requests).toHaveLength(1);
  });

  it('keeps the pools as they were when createDispatcher throws, and closes the ones it made', async () => {
    const closed: string[] = [];
    const recording = recordingCloses(closed);
    const createDispatcher = (entry: UpstreamEntry): Dispatcher => {
      if (entry.target.name === 'boom') throw new Error('no dispatcher for boom');
      return recording(entry);
    };
    proxy = await startProxy([target('mock', upstream.url, { apiKey: 'key-mock' })], { createDispatcher });
    const added = target('added', upstream.url, { apiKey: 'key-mock' });
    expect(() => proxy?.server.reconfigure(settings([added, target('boom', upstream.url)]))).toThrow(
      'no dispatcher for boom',
    );
    expect(closed).toEqual(['added']);
    expect((await post(proxy.url, '/v1/messages', messageBody())).headers['x-ccb-provider']).toBe('mock');
  });

  it('applies client keys, allowed hosts, CORS origins and extra routes to requests that start after', async () => {
    const mock = target('mock', upstream.url, { apiKey: 'key-mock' });
    proxy = await startProxy([mock], { clientApiKeys: ['k1'] });
    const get = (path: string, headers: Record<string, string>) =>
      request(`${proxy?.url}${path}`, { headers: { ...key('k2'), ...headers } }).then(async (response) => {
        await response.body.text();
        return response;
      });
    expect((await get('/v1/models', { host: 'ccb.example' })).statusCode).toBe(421);
    expect((await get('/v1/models', { origin: 'https://app.example' })).statusCode).toBe(403);
    expect((await get('/v1/organizations/org_1', {})).statusCode).toBe(404);

    proxy.server.reconfigure(
      settings([mock], {
        clientApiKeys: ['k2'],
        allowedHosts: ['ccb.example'],
        corsOrigins: ['https://app.example'],
        extraApiRoutes: ['GET /v1/organizations/*'],
      }),
    );
    expect((await post(proxy.url, '/v1/messages', messageBody(), key('k1'))).status).toBe(401);
    expect((await post(proxy.url, '/v1/messages', messageBody(), key('k2'))).status).toBe(200);
    expect((await get('/v1/models', { host: 'ccb.example' })).statusCode).toBe(200);
    const fromPage = await get('/v1/models', { origin: 'https://app.example' });
    expect(fromPage.statusCode).toBe(200);
    expect(fromPage.headers['access-control-allow-origin']).toBe('https://app.example');
    await get('/v1/organizations/org_1', {});
    expect(upstream.requests.map((seen) => seen.path)).toContain('/v1/organizations/org_1');
  });

  it('keeps client key ids across reloads that name no fingerprint', async () => {
    const mock = target('mock', upstream.url, { apiKey: 'key-mock' });
    proxy = await startProxy([mock], { clientApiKeys: ['k1'] });
    await post(proxy.url, '/v1/messages', messageBody(), key('k1'));
    proxy.server.reconfigure(settings([mock], { clientApiKeys: ['k1', 'k2'] }));
    await post(proxy.url, '/v1/messages', messageBody(), key('k1'));
    const [before, after] = proxy.records.map((record) => record.clientKeyId);
    expect(before).toMatch(/^[0-9a-f]{12}$/);
    expect(after).toBe(before);
  });

  it('reads a body still arriving at a reload with the limit its request started with', async () => {
    const mock = target('mock', upstream.url, { apiKey: 'key-mock' });
    proxy = await startProxy([mock]);
    const body = messageBody();
    // The proxy's listener runs before this one: once it is called, the request has read its settings.
    const started = once(proxy.server.server, 'request');
    const outgoing = httpRequest(`${proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    const answered = once(outgoing, 'response') as Promise<[IncomingMessage]>;
    outgoing.write(body.slice(0, 10));
    await started;
    proxy.server.reconfigure(settings([mock], { bodyLimitInBytes: 10 }));
    outgoing.end(body.slice(10));
    const [response] = await answered;
    response.resume();
    expect(response.statusCode).toBe(200);
    expect((await post(proxy.url, '/v1/messages', body)).status).toBe(413);
  });

  it('changes the connection cap, head timeout and idle timeout of the running server', async () => {
    const mock = target('mock', upstream.url, { apiKey: 'key-mock' });
    proxy = await startProxy([mock]);
    const sockets: Socket[] = [];
    proxy.server.server.on('connection', (socket: Socket) => sockets.push(socket));
    proxy.server.reconfigure(
      settings([mock], { maxConnectionsPerClient: 1, headersTimeoutInMs: 200, idleTimeoutInMs: 100 }),
    );
    const first = await raw(proxy.url);
    const over = await raw(proxy.url);
    const refused = parseAnswer(await over.closed());
    expect(refused.status).toBe(503);
    expect(refused.body).toContain('at most 1 at once');
    // The first connection never sends its head: cut within the second Node checks deadlines on.
    const cut = parseAnswer(await first.closed(3_000));
    expect(cut.status).toBe(408);
    expect(cut.body).toContain('within 200 ms');
    // A keep-alive connection idle past the new idle timeout is closed by the server (the cap lifted again).
    proxy.server.reconfigure(settings([mock], { maxConnectionsPerClient: 0, idleTimeoutInMs: 100 }));
    const served = await raw(proxy.url);
    served.socket.write('GET /v1/models HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    await served.waitFor('"data"');
    await served.closed(3_000);
    expect(proxy.server.server.keepAliveTimeout).toBe(100);
  }, 10_000);

  it('refuses a reload once the proxy is closed', async () => {
    const mock = target('mock', upstream.url, { apiKey: 'key-mock' });
    const started = await startProxy([mock]);
    await started.close();
    let thrown: unknown;
    try {
      started.server.reconfigure(settings([mock]));
    } catch (error) {
      thrown = error;
    }
    expect(ProxyError.is(thrown) && thrown.code).toBe('CCB_PROXY_CLOSED');
  });
});
