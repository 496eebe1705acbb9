import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMockUpstream, type MockOAuthUpstream } from '@ccb/mock-upstream';
import {
  createFileTokenStore,
  createOAuthCredentials,
  type OAuthCredentials,
  type OAuthCredentialsOptions,
  writeTokenFile,
} from '@ccb/providers';
import {
  createRedisConnection,
  createRedisTokenStore,
  type RedisConnection,
  type StateStoreError,
} from '@ccb/state-redis';
import {
  canStartRedis,
  ownRedisSkipReason,
  redisForTests,
  redisSkipReason,
  type TestRedis,
} from '@ccb/test-engines';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { askAsNewSession, type RunningCcb, startCcb, tempDir } from './run-cli.js';

const hasRedis = redisSkipReason() === undefined;
const noRedisReason = `skipped: ${redisSkipReason()}`;

if (!hasRedis) console.log(noRedisReason);

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function subscriptionMock(): Promise<MockOAuthUpstream> {
  const mock = await createMockUpstream({ name: 'max', oauth: true });
  cleanups.push(() => mock.close());
  return mock;
}

async function redis(mustOwn = false): Promise<TestRedis> {
  const server = await redisForTests({ mustOwn });
  cleanups.push(() => server.stop());
  return server;
}

/** Two hosts' folders, each with its own token file holding the same login, expired unless `expiresAt` says. */
async function twoTokenFiles(mock: MockOAuthUpstream, expiresAt = Date.now() - 60_000) {
  const issued = mock.oauth.issueTokens();
  const files: string[] = [];
  const dirs: string[] = [];
  for (let index = 0; index < 2; index += 1) {
    const dir = await tempDir();
    cleanups.push(() => dir.dispose());
    const file = join(dir.path, 'ccb-oauth-max.json');
    await writeTokenFile(file, {
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresAt,
    });
    files.push(file);
    dirs.push(dir.path);
  }
  return { issued, files, dirs };
}

const refreshes = (mock: MockOAuthUpstream) =>
  mock.oauth.tokenRequests.filter((tokenRequest) => tokenRequest.grantType === 'refresh_token');

const refreshTokenIn = async (file: string) =>
  (JSON.parse(await readFile(file, 'utf8')) as { refresh_token: string }).refresh_token;

function bearer(headers: unknown): string | undefined {
  return (headers as readonly (readonly [string, string])[])[0]?.[1];
}

describe.skipIf(!hasRedis)('a subscription account shared through Redis by two hosts', () => {
  async function connect(server: TestRedis): Promise<RedisConnection> {
    const connection = createRedisConnection({
      url: server.url,
      keyPrefix: server.keyPrefix,
      maxReconnectDelayInMs: 50,
    });
    cleanups.push(() => connection.close());
    if (!connection.status().up) {
      await new Promise<void>((resolve) => {
        const off = connection.onUp(() => {
          off();
          resolve();
        });
      });
    }
    return connection;
  }

  /** One host's credential source: its own token file under the Redis store. */
  function account(
    connection: RedisConnection,
    tokenFile: string,
    mock: MockOAuthUpstream,
    overrides: Partial<OAuthCredentialsOptions> = {},
    onFallback?: (error: StateStoreError) => void,
  ): OAuthCredentials {
    const store = createRedisTokenStore({
      connection,
      account: 'max',
      fallback: createFileTokenStore(tokenFile),
      ...(onFallback !== undefined ? { onFallback } : {}),
    });
    const credentials = createOAuthCredentials({
      name: 'max',
      tokenFile,
      store,
      tokenUrl: mock.oauth.tokenUrl,
      clientId: 'test-client',
      refreshBeforeInMs: 60_000,
      ...overrides,
    });
    cleanups.push(() => {
      credentials.close();
      store.close();
    });
    return credentials;
  }

  it('refreshes an expired token once for both, and both adopt the rotated tokens', async () => {
    const mock = await subscriptionMock();
    const server = await redis();
    const { files, issued } = await twoTokenFiles(mock);
    const [left, right] = [
      account(await connect(server), files[0] as string, mock),
      account(await connect(server), files[1] as string, mock),
    ];
    await Promise.all([left.ready(), right.ready()]);
    const asks = [left, right].flatMap((credentials) =>
      Array.from({ length: 10 }, async () => bearer(await credentials.headers())),
    );
    const answers = await Promise.all(asks);
    expect(refreshes(mock)).toHaveLength(1);
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).not.toBe(`Bearer ${issued.accessToken}`);
    expect([left.status().state, right.status().state]).toEqual(['ready', 'ready']);
    // Both hosts' files hold the rotated refresh token: either can carry on alone if Redis goes away.
    const rotated = await refreshTokenIn(files[0] as string);
    expect(rotated).not.toBe(issued.refreshToken);
    expect(await refreshTokenIn(files[1] as string)).toBe(rotated);
  });

  it.skipIf(ownRedisSkipReason() !== undefined)(
    'keeps both serving while Redis is down, a refresh then taking the file lock, and neither needs a login',
    async () => {
      const mock = await subscriptionMock();
      const server = await redis(true);
      const { files } = await twoTokenFiles(mock, Date.now() + 3_600_000);
      const fallbacks: StateStoreError[] = [];
      const [leftConnection, rightConnection] = [await connect(server), await connect(server)];
      const retryFast = { retryInitialInMs: 1, retryMaxInMs: 1 };
      const left = account(leftConnection, files[0] as string, mock, retryFast, (error) =>
        fallbacks.push(error),
      );
      const right = account(rightConnection, files[1] as string, mock, retryFast);
      await Promise.all([left.ready(), right.ready()]);
      const before = bearer(left.headers());
      expect(bearer(right.headers())).toBe(before);

      const down = new Promise<void>((resolve) => {
        const off = rightConnection.onDown(() => {
          off();
          resolve();
        });
      });
      await server.kill();
      await down;
      // Both keep serving on the token they hold.
      expect(bearer(left.headers())).toBe(before);
      expect(bearer(right.headers())).toBe(before);
      // An upstream 401 on the left host: it refreshes alone, under its token file's lock.
      expect(await left.invalidate()).toBe(true);
      expect(refreshes(mock)).toHaveLength(1);
      // The right host, unaware, spends the same (now rotated) refresh token: invalid_grant, which is no death here.
      expect(await right.invalidate()).toBe(false);
      expect(refreshes(mock)).toHaveLength(2);
      expect(right.status()).toMatchObject({ state: 'ready', error: 'shared_store_unreachable' });
      expect(bearer(right.headers())).toBe(before);
      expect(fallbacks.map((error) => error.code)).toEqual(['CCB_STATE_TOKEN_STORE_FALLBACK']);

      // Redis back: the left host pushes its refresh, and the right one adopts it instead of refreshing.
      const up = new Promise<void>((resolve) => {
        const off = rightConnection.onUp(() => {
          off();
          resolve();
        });
      });
      await server.restart();
      await up;
      const pushed = `${server.keyPrefix}oauth:max:tokens`;
      const deadline = Date.now() + 10_000;
      while ((await rightConnection.commands.exists(pushed).catch(() => 0)) === 0) {
        if (Date.now() > deadline) throw new Error('the left host never pushed its tokens');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await right.invalidate()).toBe(true);
      expect(refreshes(mock)).toHaveLength(2);
      expect(bearer(right.headers())).toBe(bearer(left.headers()));
      expect(right.status()).toMatchObject({ state: 'ready', error: null });
    },
  );
});

describe.skipIf(!hasRedis)('two ccb processes on two hosts’ token files and one Redis', () => {
  it('refresh an expired token exactly once and both keep serving, also with Redis gone', {
    timeout: 60_000,
  }, async () => {
    const mock = await subscriptionMock();
    const server = await redis(canStartRedis);
    const { dirs, files, issued } = await twoTokenFiles(mock);
    const instances: RunningCcb[] = [];
    for (const dir of dirs) {
      const config = join(dir, 'ccb.yaml');
      const yaml = [
        `state: { store: redis, url: "${server.url}", key_prefix: "${server.keyPrefix}" }`,
        'providers:',
        '  - name: max',
        `    base_url: ${mock.url}`,
        '    auth_type: oauth',
        `    oauth: { token_file: ccb-oauth-max.json, token_url: "${mock.oauth.tokenUrl}" }`,
      ].join('\n');
      await writeFile(config, yaml);
      const ccb = await startCcb(['serve', '--config', config, '--port', '0']);
      cleanups.push(() => ccb.stop());
      instances.push(ccb);
    }
    await Promise.all(
      instances.map((ccb) =>
        ccb.line((line) => String(line.msg).startsWith('state: shared with the other instances')),
      ),
    );
    const asks = instances.flatMap((ccb) => Array.from({ length: 10 }, () => ask(ccb.url)));
    const statuses = await Promise.all(asks);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(refreshes(mock)).toHaveLength(1);
    const rotated = await refreshTokenIn(files[0] as string);
    expect(rotated).not.toBe(issued.refreshToken);
    expect(await refreshTokenIn(files[1] as string)).toBe(rotated);
    // And they keep serving, on the one rotated token.
    expect(await Promise.all(instances.map((ccb) => ask(ccb.url)))).toEqual([200, 200]);
    expect(refreshes(mock)).toHaveLength(1);
    const tokensUsed = new Set(mock.requests.slice(-2).map((received) => received.headers.authorization));
    expect(tokensUsed.size).toBe(1);

    if (canStartRedis) {
      // Redis gone: both keep serving on the token they hold, and neither account is taken for dead.
      const unreachable = instances.map((ccb) =>
        ccb.line((line) => /state: redis at .* is unreachable/.test(String(line.msg))),
      );
      await server.kill();
      await Promise.all(unreachable);
      expect(await Promise.all(instances.map((ccb) => ask(ccb.url)))).toEqual([200, 200]);
      expect(refreshes(mock)).toHaveLength(1);
      for (const ccb of instances) {
        const readiness = (await (await request(`${ccb.url}/readyz`)).body.json()) as {
          providers: { name: string; account?: { state: string } }[];
        };
        expect(readiness.providers.find((provider) => provider.name === 'max')?.account?.state).toBe('ready');
      }
    }
    for (const ccb of instances) {
      expect(JSON.stringify(ccb.lines)).not.toContain(rotated);
    }
  });
});

/** One Messages request as Claude Code sends it (a subscription serves only Claude Code); its status. */
async function ask(url: string): Promise<number> {
  const response = await request(`${url}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'user-agent': 'claude-cli/2.1.112 (external, cli)',
      'x-app': 'cli',
      'anthropic-beta': 'claude-code-20250219',
    },
    body: JSON.stringify(
      askAsNewSession({
        model: 'claude-sonnet-4-6',
        max_tokens: 16,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ),
  });
  await response.body.dump();
  return response.statusCode;
}
