import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockOAuthUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { writeTokenFile } from '@ccb/providers';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReadinessBody } from '../src/format-status-table.js';
import { askAsNewSession, eventually, type RunningCcb, runCli, startCcb, tempDir } from './run-cli.js';

const ask = {
  model: 'claude-sonnet-4-6',
  max_tokens: 16,
  messages: [{ role: 'user' as const, content: 'hi' }],
};
/** What Claude Code itself sends: a subscription serves only Claude Code. */
const claudeCodeHeaders = {
  'user-agent': 'claude-cli/2.1.112 (external, cli)',
  'x-app': 'cli',
  'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
};
type Provider = ReadinessBody['providers'][number] & {
  account?: { state: string; expires_at: string | null; error: string | null };
};

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function subscriptionMock(): Promise<MockOAuthUpstream> {
  const mock = await createMockUpstream({ name: 'max', oauth: true });
  cleanups.push(() => mock.close());
  return mock;
}
async function keyMock(): Promise<MockUpstream> {
  const mock = await createMockUpstream({ name: 'backup', apiKey: 'key-backup' });
  cleanups.push(() => mock.close());
  return mock;
}

/** A config with the subscription account first and, when given, an API key behind it; the token file beside it. */
async function setUp(
  max: MockOAuthUpstream,
  backup?: MockUpstream,
  options: { expired?: boolean; extra?: string } = {},
) {
  const dir = await tempDir();
  cleanups.push(() => dir.dispose());
  const issued = max.oauth.issueTokens();
  const tokenFile = join(dir.path, 'ccb-oauth-max.json');
  await writeTokenFile(tokenFile, {
    accessToken: issued.accessToken,
    ...(issued.refreshToken !== undefined ? { refreshToken: issued.refreshToken } : {}),
    expiresAt: options.expired === true ? Date.now() - 60_000 : issued.expiresAt,
  });
  const yaml = [
    options.extra ?? '',
    'providers:',
    '  - name: max',
    `    base_url: ${max.url}`,
    '    auth_type: oauth',
    '    priority: 0',
    `    oauth: { token_file: ccb-oauth-max.json, token_url: "${max.oauth.tokenUrl}" }`,
    ...(backup === undefined
      ? []
      : ['  - name: backup', `    base_url: ${backup.url}`, '    api_key: key-backup', '    priority: 1']),
  ].join('\n');
  const config = await dir.write('ccb.yaml', yaml);
  return { dir, config, tokenFile, issued };
}

async function serve(config: string): Promise<RunningCcb> {
  const ccb = await startCcb(['serve', '--config', config, '--port', '0']);
  cleanups.push(() => ccb.stop());
  return ccb;
}

function claudeCode(ccb: RunningCcb): Anthropic {
  return new Anthropic({
    baseURL: ccb.url,
    apiKey: 'unused',
    maxRetries: 0,
    defaultHeaders: claudeCodeHeaders,
  });
}

async function readiness(url: string): Promise<Provider[]> {
  const response = await request(`${url}/readyz`);
  return ((await response.body.json()) as { providers: Provider[] }).providers;
}

/** Waits until `name`'s /readyz entry satisfies `predicate` (ccb runs in another process). */
function waitForProvider(url: string, name: string, predicate: (provider: Provider) => boolean) {
  return eventually(
    async () => (await readiness(url)).find((item) => item.name === name) as Provider,
    predicate,
  );
}

const refreshes = (mock: MockOAuthUpstream) =>
  mock.oauth.tokenRequests.filter((tokenRequest) => tokenRequest.grantType === 'refresh_token');

describe('subscription accounts (auth_type: oauth)', () => {
  it('sends the account’s Bearer and the oauth beta after the client’s own betas, never a key', async () => {
    const max = await subscriptionMock();
    const { config, issued } = await setUp(max);
    const ccb = await serve(config);
    const message = await claudeCode(ccb).messages.create(askAsNewSession(ask));
    expect(message.type).toBe('message');
    const [received] = max.requests;
    expect(received?.headers.authorization).toBe(`Bearer ${issued.accessToken}`);
    expect(received?.headers['x-api-key']).toBeUndefined();
    expect(received?.headers['anthropic-beta']).toBe(
      'claude-code-20250219,interleaved-thinking-2025-05-14,oauth-2025-04-20',
    );
  });

  it('refreshes once on a 401 and retries; the rotated tokens are on disk and a restart starts with them', async () => {
    const max = await subscriptionMock();
    const { config, tokenFile, issued } = await setUp(max);
    const first = await serve(config);
    max.oauth.expireAccessTokens();
    await claudeCode(first).messages.create(askAsNewSession(ask));
    expect(refreshes(max)).toHaveLength(1);
    const saved = JSON.parse(await readFile(tokenFile, 'utf8')) as {
      access_token: string;
      refresh_token: string;
    };
    expect(saved.refresh_token).not.toBe(issued.refreshToken);
    expect(max.requests.at(-1)?.headers.authorization).toBe(`Bearer ${saved.access_token}`);
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    await first.stop();

    const second = await serve(config);
    await claudeCode(second).messages.create(askAsNewSession(ask));
    expect(refreshes(max)).toHaveLength(1);
    expect(max.requests.at(-1)?.headers.authorization).toBe(`Bearer ${saved.access_token}`);
  });

  it('refreshes an expired token once for any number of concurrent requests, across two processes', async () => {
    const max = await subscriptionMock();
    const { config } = await setUp(max, undefined, { expired: true });
    // Started one after the other (what is concurrent here is the requests, not the two starts).
    const one = await serve(config);
    const two = await serve(config);
    const asks = [one, two].flatMap((ccb) =>
      Array.from({ length: 10 }, () => claudeCode(ccb).messages.create(askAsNewSession(ask))),
    );
    const answers = await Promise.all(asks);
    expect(answers.every((message) => message.type === 'message')).toBe(true);
    expect(refreshes(max)).toHaveLength(1);
  });

  it('takes a revoked account out of rotation until a new login, and says so in /readyz, status and metrics', async () => {
    const max = await subscriptionMock();
    const backup = await keyMock();
    const { config, tokenFile } = await setUp(max, backup);
    const ccb = await serve(config);
    max.oauth.revoke();
    max.oauth.expireAccessTokens();
    // The client never sees the dead account: its request fails over to the API key.
    const message = await claudeCode(ccb).messages.create(askAsNewSession(ask));
    expect(message.type).toBe('message');
    expect(backup.requests).toHaveLength(1);
    const provider = await waitForProvider(ccb.url, 'max', (item) => item.account?.state === 'needs_login');
    expect(provider.usable).toBe(false);
    const tokenRequestsAfterDeath = max.oauth.tokenRequests.length;
    for (let index = 0; index < 3; index++) await claudeCode(ccb).messages.create(askAsNewSession(ask));
    // Neither the account nor its token endpoint is hammered.
    expect(max.oauth.tokenRequests.length).toBe(tokenRequestsAfterDeath);
    expect(backup.requests).toHaveLength(4);

    const metrics = await (await request(`${ccb.url}/metrics`)).body.text();
    expect(metrics).toContain('ccb_oauth_account_state{provider="max",state="needs_login"} 1');
    const status = await runCli(['status', '--url', ccb.url]);
    expect(status.stdout).toMatch(/max.*needs_login|needs_login.*max/s);

    // `ccb login` writes a new token file: the running instance takes the account back without a restart.
    max.oauth.reinstate();
    const fresh = max.oauth.issueTokens();
    await writeTokenFile(tokenFile, {
      accessToken: fresh.accessToken,
      ...(fresh.refreshToken !== undefined ? { refreshToken: fresh.refreshToken } : {}),
      expiresAt: fresh.expiresAt,
    });
    await waitForProvider(ccb.url, 'max', (item) => item.account?.state === 'ready' && item.usable);
    await claudeCode(ccb).messages.create(askAsNewSession(ask));
    expect(max.requests.at(-1)?.headers.authorization).toBe(`Bearer ${fresh.accessToken}`);
  });

  it('disables a banned account until an operator resets it, logging the ban once', async () => {
    const max = await subscriptionMock();
    const backup = await keyMock();
    const { config } = await setUp(max, backup);
    const ccb = await serve(config);
    max.oauth.ban(undefined, 'This organization has been disabled.');
    await claudeCode(ccb).messages.create(askAsNewSession(ask));
    const sentToMax = max.requests.length;
    for (let index = 0; index < 3; index++) await claudeCode(ccb).messages.create(askAsNewSession(ask));
    expect(max.requests.length).toBe(sentToMax);
    expect(backup.requests).toHaveLength(4);
    const banLines = ccb.lines.filter((line) =>
      JSON.stringify(line).includes('This organization has been disabled.'),
    );
    expect(banLines).toHaveLength(1);

    max.oauth.reinstate();
    const reset = await request(`${ccb.url}/admin/reset?provider=max`, { method: 'POST' });
    expect(reset.statusCode).toBe(200);
    await reset.body.dump();
    await claudeCode(ccb).messages.create(askAsNewSession(ask));
    expect(max.requests.length).toBe(sentToMax + 1);
  });

  it('hands traffic to the API key while the 5-hour window is exhausted, until the window’s reset', async () => {
    const max = await subscriptionMock();
    const backup = await keyMock();
    const { config } = await setUp(max, backup);
    const ccb = await serve(config);
    const resetAt = Date.now() + 3_600_000;
    max.oauth.setUsage({ fiveHour: { utilization: 1.01, resetAt } });
    await claudeCode(ccb).messages.create(askAsNewSession(ask));
    expect(backup.requests).toHaveLength(1);
    const provider = await waitForProvider(ccb.url, 'max', (item) => item.cooling_down_until !== null);
    // The window's own reset (whole seconds), not a guess of a few minutes.
    expect(Math.abs(Date.parse(provider.cooling_down_until as string) - resetAt)).toBeLessThan(1_000);
    const sentToMax = max.requests.length;
    await claudeCode(ccb).messages.create(askAsNewSession(ask));
    expect(max.requests.length).toBe(sentToMax);
  });

  it('serves another client’s requests from the API key, and from the subscription only when nothing else can', async () => {
    const max = await subscriptionMock();
    const backup = await keyMock();
    const plain = (ccb: RunningCcb) => new Anthropic({ baseURL: ccb.url, apiKey: 'unused', maxRetries: 0 });
    const both = await serve((await setUp(max, backup)).config);
    await plain(both).messages.create(askAsNewSession(ask));
    expect(backup.requests).toHaveLength(1);
    expect(max.requests).toHaveLength(0);
    // Claude Code itself still goes to the subscription first.
    await claudeCode(both).messages.create(askAsNewSession(ask));
    expect(max.requests).toHaveLength(1);
    const alone = await serve((await setUp(max)).config);
    await plain(alone).messages.create(askAsNewSession(ask));
    expect(max.requests).toHaveLength(2);
  });

  it('never shows a token: not in logs, /readyz, /metrics, the admin API or ccb status', async () => {
    const max = await subscriptionMock();
    const backup = await keyMock();
    const { config, issued } = await setUp(max, backup);
    const ccb = await serve(config);
    max.oauth.expireAccessTokens();
    await claudeCode(ccb).messages.create(askAsNewSession(ask));
    const saved = await readFile(join(config, '..', 'ccb-oauth-max.json'), 'utf8');
    const secrets = [issued.accessToken, issued.refreshToken ?? '', ...Object.values(JSON.parse(saved))]
      .map(String)
      .filter((value) => value.startsWith('sk-ant-'));
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    const shown = [
      JSON.stringify(ccb.lines),
      await (await request(`${ccb.url}/readyz`)).body.text(),
      await (await request(`${ccb.url}/metrics`)).body.text(),
      await (await request(`${ccb.url}/admin/providers`)).body.text(),
      await (await request(`${ccb.url}/admin/config`)).body.text(),
      (await runCli(['status', '--url', ccb.url])).stdout,
    ].join('\n');
    for (const secret of secrets) expect(shown).not.toContain(secret);
    expect(shown).not.toContain('sk-ant-o');
  });
});
