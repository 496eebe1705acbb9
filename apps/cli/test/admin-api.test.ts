import { chmod, readFile } from 'node:fs/promises';
import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCcb, runCli, startCcb, tempDir } from './run-cli.js';

const adminKey = 'ccb-admin-key-0123456789abcdef';
const secondAdminKey = 'ccb-admin-key-second-9876543210';
const clientKey = 'ccb-client-key-0123456789abcdef';
const providerKey = 'sk-provider-alpha-0123456789abcdef';

/** Every admin endpoint, with what a request to it sends. */
const endpoints: readonly { method: string; path: string; body?: unknown }[] = [
  { method: 'GET', path: '/admin/providers' },
  { method: 'GET', path: '/admin/providers/alpha' },
  { method: 'PATCH', path: '/admin/providers/alpha', body: { weight: 2 } },
  { method: 'POST', path: '/admin/providers/alpha/disable' },
  { method: 'POST', path: '/admin/providers/alpha/enable' },
  { method: 'POST', path: '/admin/providers/alpha/drain' },
  { method: 'POST', path: '/admin/providers/alpha/reset' },
  { method: 'POST', path: '/admin/providers/alpha/enable' },
  { method: 'GET', path: '/admin/config' },
  { method: 'POST', path: '/admin/reload' },
  { method: 'GET', path: '/admin/usage' },
  { method: 'POST', path: '/admin/reset?provider=alpha' },
  { method: 'GET', path: '/metrics' },
];

async function call(url: string, method: string, path: string, key?: string, body?: unknown) {
  const response = await request(`${url}${path}`, {
    method: method as 'GET',
    headers: {
      ...(key !== undefined ? { 'x-api-key': key } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.body.text();
  return { status: response.statusCode, text };
}

const isReload = (line: Record<string, unknown>) =>
  typeof line.msg === 'string' && line.msg.startsWith('config reload');

const configText = (alpha: string, beta: string) => `# ccb for the admin tests
auth:
  api_keys: [${clientKey}]
  admin_key:            # two operators
    - ${adminKey}
    - ${secondAdminKey}

providers:
  # the main account
  - name: alpha
    base_url: ${alpha}
    api_key: ${providerKey}   # rotated monthly
    weight: 1      # share of traffic
  - name: beta
    base_url: ${beta}
    api_key: sk-provider-beta-0123456789abcdef
    priority: 2
`;

describe('the admin API', () => {
  let alpha: MockUpstream;
  let beta: MockUpstream;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let file: string;
  let ccb: RunningCcb;

  beforeAll(async () => {
    alpha = await createMockUpstream({ name: 'alpha', apiKey: providerKey });
    beta = await createMockUpstream({ name: 'beta', apiKey: 'sk-provider-beta-0123456789abcdef' });
    dir = await tempDir();
    file = await dir.write('ccb.yaml', configText(alpha.url, beta.url));
    ccb = await startCcb(['serve', '--config', file, '--port', '0', '--reload', '--log-level', 'debug']);
  });
  afterAll(async () => {
    await ccb?.stop();
    await alpha?.close();
    await beta?.close();
    await dir?.dispose();
  });

  it('refuses every endpoint without a key, with a wrong key and with a client key, and serves each admin key', async () => {
    for (const endpoint of endpoints) {
      for (const key of [undefined, 'wrong-key-0123456789abcdef', clientKey]) {
        const answer = await call(ccb.url, endpoint.method, endpoint.path, key, endpoint.body);
        expect({ endpoint: endpoint.path, key, status: answer.status }).toEqual({
          endpoint: endpoint.path,
          key,
          status: 401,
        });
        expect(JSON.parse(answer.text)).toMatchObject({
          type: 'error',
          error: { type: 'authentication_error' },
        });
      }
      for (const key of [adminKey, secondAdminKey]) {
        const answer = await call(ccb.url, endpoint.method, endpoint.path, key, endpoint.body);
        expect({ endpoint: endpoint.path, status: answer.status }).toEqual({
          endpoint: endpoint.path,
          status: 200,
        });
      }
    }
  });

  it('never proxies with an admin key', async () => {
    const client = new Anthropic({ baseURL: ccb.url, apiKey: adminKey, maxRetries: 0 });
    await expect(
      client.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({ status: 401 });
  });

  it('never returns a secret: keys show as fingerprints, the config as ***', async () => {
    for (const path of ['/admin/providers', '/admin/providers/alpha', '/admin/config']) {
      const answer = await call(ccb.url, 'GET', path, adminKey);
      for (const secret of [adminKey, secondAdminKey, clientKey, providerKey, 'sk-provider-beta']) {
        expect(answer.text).not.toContain(secret);
      }
    }
    const providers = JSON.parse((await call(ccb.url, 'GET', '/admin/providers', adminKey)).text);
    expect(providers.providers[0].key_fingerprint).toMatch(/^[0-9a-f]{12}$/);
  });

  it('overrides at run time and shows it as such; disable, drain and enable move traffic', async () => {
    const patched = JSON.parse(
      (await call(ccb.url, 'PATCH', '/admin/providers/beta', adminKey, { priority: 1, weight: 5 })).text,
    );
    expect(patched).toMatchObject({
      name: 'beta',
      configured: { weight: 1, priority: 2 },
      overrides: { weight: 5, priority: 1 },
      effective: { weight: 5, priority: 1, enabled: true },
      persisted: false,
    });
    const disabled = JSON.parse(
      (await call(ccb.url, 'POST', '/admin/providers/alpha/disable', adminKey)).text,
    );
    expect(disabled).toMatchObject({ state: 'disabled', overrides: { enabled: false } });
    const client = new Anthropic({ baseURL: ccb.url, apiKey: clientKey, maxRetries: 0 });
    const before = alpha.requests.length;
    for (let index = 0; index < 5; index += 1) {
      await client.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 8,
        messages: [{ role: 'user', content: `x${index}` }],
      });
    }
    expect(alpha.requests.length).toBe(before);
    expect(
      JSON.parse((await call(ccb.url, 'POST', '/admin/providers/alpha/drain', adminKey)).text).state,
    ).toBe('drained');
    const enabled = JSON.parse((await call(ccb.url, 'POST', '/admin/providers/alpha/enable', adminKey)).text);
    expect(enabled).toMatchObject({ state: 'serving', overrides: { enabled: true } });
  });

  it('answers bad input in Anthropic’s shape: unknown provider 404, bad patch 400, bad persist 400, wrong method 405', async () => {
    const cases: [string, string, unknown, number][] = [
      ['PATCH', '/admin/providers/nobody', { weight: 1 }, 404],
      ['POST', '/admin/providers/nobody/disable', undefined, 404],
      ['PATCH', '/admin/providers/alpha', { weight: -1 }, 400],
      ['PATCH', '/admin/providers/alpha', { colour: 'red' }, 400],
      ['PATCH', '/admin/providers/alpha', {}, 400],
      ['POST', '/admin/providers/alpha/disable?persist=maybe', undefined, 400],
      ['DELETE', '/admin/providers/alpha', undefined, 405],
      ['GET', '/admin/providers/alpha/disable', undefined, 405],
    ];
    for (const [method, path, body, status] of cases) {
      const answer = await call(ccb.url, method, path, adminKey, body);
      expect({ method, path, status: answer.status }).toEqual({ method, path, status });
      expect(JSON.parse(answer.text)).toMatchObject({ type: 'error', error: { type: expect.any(String) } });
    }
  });

  it('persists a change into the file, keeping every other byte, and reloads once', async () => {
    const before = await readFile(file, 'utf8');
    const reloaded = ccb.nextLine(
      (line) => typeof line.msg === 'string' && line.msg.startsWith('config reload'),
    );
    const answer = JSON.parse(
      (await call(ccb.url, 'PATCH', '/admin/providers/alpha?persist=true', adminKey, { weight: 4 })).text,
    );
    expect(answer).toMatchObject({ persisted: true, configured: { weight: 4 }, effective: { weight: 4 } });
    expect(answer.overrides.weight).toBeUndefined();
    expect(String((await reloaded).msg)).toContain('provider alpha: weight 1 -> 4');
    const after = await readFile(file, 'utf8');
    expect(after).toBe(
      before.replace('    weight: 1      # share of traffic', '    weight: 4      # share of traffic'),
    );
    // What was persisted is what a restart starts with (peers lose such settings on restart).
    const restarted = await startCcb(['serve', '--config', file, '--port', '0']);
    try {
      const after = JSON.parse((await call(restarted.url, 'GET', '/admin/providers/alpha', adminKey)).text);
      expect(after).toMatchObject({ configured: { weight: 4 }, overrides: {}, effective: { weight: 4 } });
    } finally {
      await restarted.stop();
    }
    // The watcher sees the write, finds what was just loaded, and says so instead of reloading again.
    const skipped = await ccb.line((line) => String(line.msg).startsWith('config files changed but hold'));
    const since = ccb.lines.indexOf(await reloaded);
    expect(ccb.lines.slice(since + 1, ccb.lines.indexOf(skipped)).filter((line) => isReload(line))).toEqual(
      [],
    );
  });

  it('answers 409 naming why when the file cannot take a persisted change, and changes nothing', async () => {
    const before = await readFile(file, 'utf8');
    await chmod(file, 0o444);
    try {
      const answer = await call(ccb.url, 'POST', '/admin/providers/beta/disable?persist=true', adminKey);
      expect(answer.status).toBe(409);
      expect(JSON.parse(answer.text)).toMatchObject({ error: { type: 'invalid_request_error' } });
      expect(JSON.parse(answer.text).error.message).toMatch(/writ/);
    } finally {
      await chmod(file, 0o644);
    }
    expect(await readFile(file, 'utf8')).toBe(before);
    const beta = JSON.parse((await call(ccb.url, 'GET', '/admin/providers/beta', adminKey)).text);
    expect(beta.state).toBe('serving');
  });

  it('drives the same API from the command line: ccb providers and ccb reload', async () => {
    const env = { CCB_ADMIN_KEY: adminKey };
    const list = await runCli(['providers', 'list', '--url', ccb.url], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+STATE/);
    expect(list.stdout).toMatch(/\nalpha\s+serving/);
    const disabled = await runCli(['providers', 'disable', 'beta', '--url', ccb.url], { env });
    expect(disabled).toMatchObject({ code: 0, stdout: 'beta: disabled\n' });
    expect((await runCli(['providers', 'enable', 'beta', '--url', ccb.url], { env })).stdout).toBe(
      'beta: serving\n',
    );
    expect((await runCli(['reload', '--url', ccb.url], { env })).stdout).toBe('no changes\n');
    const refused = await runCli(['reload', '--url', ccb.url], {
      env: { CCB_ADMIN_KEY: 'wrong-key-0123456789' },
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^ccb: .*refused the admin key.*CCB_ADMIN_KEY/);
    expect(refused.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    const unknown = await runCli(['providers', 'drain', 'nobody', '--url', ccb.url], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('ccb: POST /admin/providers/nobody/drain: no provider named "nobody"\n');
  });
});
