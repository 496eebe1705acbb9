import { networkInterfaces } from 'node:os';
import { createMockUpstream } from '@ccb/mock-upstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCcb, startCcb, tempDir } from './run-cli.js';

const clientKey = 'client-key-0123456789abcdef';
const adminKeys = ['admin-key-one-0123456789', 'admin-key-two-0123456789'];
const providerKey = 'sk-provider-key-0123456789';

/** An address of this machine that is not loopback: requests to it come from a non-loopback peer. */
const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address !== undefined && address.family === 'IPv4' && !address.internal)?.address;

/** Starts ccb on 0.0.0.0 with the given `auth:` section (and flags), reachable by `externalAddress` too. */
async function serve(auth: string, flags: string[] = []) {
  const mock = await createMockUpstream({ apiKey: providerKey });
  const folder = await tempDir();
  const file = await folder.write(
    'ccb.yaml',
    [
      `auth: ${auth}`,
      `server: { allowed_hosts: ["${externalAddress}"] }`,
      'ledger: { path: data/ledger.sqlite }',
      'providers:',
      `  - { name: p, base_url: "${mock.url}", api_key: ${providerKey} }`,
    ].join('\n'),
  );
  const ccb = await startCcb(['serve', '--config', file, '--host', '0.0.0.0', '--port', '0', ...flags]);
  const port = new URL(ccb.url).port;
  return {
    ccb,
    loopback: `http://127.0.0.1:${port}`,
    external: `http://${externalAddress}:${port}`,
    async close() {
      await ccb.stop();
      await mock.close();
      await folder.dispose();
    },
  };
}

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as unknown };
}

const warnings = (ccb: RunningCcb) =>
  ccb.lines.filter((line) => line.level === 'warn').map((line) => String(line.msg));

describe.skipIf(externalAddress === undefined)('admin routes without an admin key', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve(`{ api_keys: [${clientKey}] }`);
  });
  afterAll(() => server.close());

  it('answer clients on loopback', async () => {
    expect((await get(`${server.loopback}/metrics`)).status).toBe(200);
    expect((await get(`${server.loopback}/admin/usage`)).status).toBe(200);
  });

  it('refuse clients beyond loopback, and loopback requests relayed by a proxy, saying an admin key is needed', async () => {
    for (const path of ['/metrics', '/admin/usage']) {
      expect(await get(`${server.external}${path}`)).toEqual({
        status: 401,
        body: {
          type: 'error',
          error: {
            type: 'authentication_error',
            message:
              'admin endpoints answer only clients on loopback while no auth.admin_key is set; set auth.admin_key and send it as x-api-key or Authorization: Bearer',
          },
        },
      });
    }
    // A client key does not open them either.
    expect((await get(`${server.external}/metrics`, { 'x-api-key': clientKey })).status).toBe(401);
    expect((await get(`${server.loopback}/metrics`, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(401);
    expect((await get(`${server.loopback}/metrics`, { forwarded: 'for=203.0.113.9' })).status).toBe(401);
    expect((await get(`${server.loopback}/metrics`, { 'x-real-ip': '203.0.113.9' })).status).toBe(401);
    // The proxied API is not an admin route: the client key still works from anywhere.
    expect((await get(`${server.external}/v1/models`, { 'x-api-key': clientKey })).status).toBe(200);
    expect(warnings(server.ccb).some((message) => message.includes('--allow-open-admin'))).toBe(false);
  });
});

describe.skipIf(externalAddress === undefined)(
  'admin routes with --allow-open-admin and no admin key',
  () => {
    it('answer clients beyond loopback, and startup warns of it', async () => {
      const server = await serve(`{ api_keys: [${clientKey}] }`, ['--allow-open-admin']);
      try {
        expect((await get(`${server.external}/metrics`)).status).toBe(200);
        expect((await get(`${server.external}/admin/usage`)).status).toBe(200);
        expect(warnings(server.ccb)).toContainEqual(
          expect.stringMatching(/^\/metrics and \/admin\/\* answer anyone who can reach 0\.0\.0\.0/),
        );
      } finally {
        await server.close();
      }
    });
  },
);

describe.skipIf(externalAddress === undefined)('admin routes with a list of admin keys', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve(`{ api_keys: [${clientKey}], admin_key: [${adminKeys.join(', ')}] }`);
  });
  afterAll(() => server.close());

  it('open to any of the keys, from anywhere, and to nothing else', async () => {
    for (const base of [server.loopback, server.external]) {
      for (const key of adminKeys) {
        expect((await get(`${base}/metrics`, { 'x-api-key': key })).status).toBe(200);
        expect((await get(`${base}/admin/usage`, { authorization: `Bearer ${key}` })).status).toBe(200);
      }
      const refusedHeaders: Record<string, string>[] = [
        {},
        { 'x-api-key': clientKey },
        { 'x-api-key': `${adminKeys[0]}x` },
      ];
      for (const headers of refusedHeaders) {
        const refused = await get(`${base}/metrics`, headers);
        expect(refused.status).toBe(401);
        expect(JSON.stringify(refused.body)).toContain('admin endpoints need auth.admin_key');
      }
    }
  });

  it('never let an admin key proxy', async () => {
    for (const key of adminKeys) {
      expect((await get(`${server.loopback}/v1/models`, { 'x-api-key': key })).status).toBe(401);
    }
    expect(JSON.stringify(server.ccb.lines)).not.toContain(adminKeys[0]);
  });
});
