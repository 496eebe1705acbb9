/**
 * The layout of docs/deploy.md, started for real: three ccb instances on one config behind nginx (Debian's, with
 * the configuration that `nginxConfig` generates and the document shows), sharing their live state through Redis and
 * one usage ledger in PostgreSQL. Each check goes through nginx as a client would, and reads each instance's own
 * view (/readyz, logs) to see that what one learned, all know.
 */

import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import {
  createTestDatabase,
  type NginxServer,
  nginxSkipReason,
  ownPostgresSkipReason,
  ownRedisSkipReason,
  type PostgresServer,
  type RedisServer,
  startNginx,
  startPostgres,
  startRedis,
} from '@ccb/test-engines';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askAsNewSession, eventually, type RunningCcb, runCli, startCcb, tempDir } from './run-cli.js';

const skip = nginxSkipReason() ?? ownRedisSkipReason() ?? ownPostgresSkipReason();
if (skip !== undefined) console.warn(`skipping the deployment layout test: ${skip}`);

const clientKey = 'deploy-client-key-0123456789';
/** A team's key with a daily token budget, spent through every instance at once. */
const budgetKey = 'deploy-budget-key-0123456789';
const capTokens = 12_000;
const fingerprintSecret = 'deploy-fingerprint-secret-0123456789abcdef';
const ask = {
  model: 'claude-sonnet-4-6',
  max_tokens: 16,
  messages: [{ role: 'user' as const, content: 'hi' }],
};

interface Readiness {
  providers: { name: string; usable: boolean; enabled: boolean }[];
  state_store?: { up: boolean };
}
interface UsageReport {
  total: { requests: number; costUsd: number };
}

describe.skipIf(skip !== undefined)('the deployment of docs/deploy.md: three instances behind nginx', () => {
  let redis: RedisServer;
  let postgres: PostgresServer;
  let nginx: NginxServer;
  let upstreams: { one: MockUpstream; two: MockUpstream };
  let instances: RunningCcb[];
  let config: string;
  let env: Record<string, string>;
  /** Requests ccb answered (served, or refused for the budget): each is one ledger row. */
  let recorded = 0;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    cleanups.push(() => redis.destroy());
    postgres = await startPostgres();
    cleanups.push(() => postgres.destroy());
    const database = await createTestDatabase(postgres.url, 'ccb_deploy');
    upstreams = {
      one: await createMockUpstream({ name: 'one', apiKey: 'key-one' }),
      two: await createMockUpstream({ name: 'two', apiKey: 'key-two' }),
    };
    cleanups.push(
      () => upstreams.one.close(),
      () => upstreams.two.close(),
    );
    const dir = await tempDir();
    cleanups.push(() => dir.dispose());
    // docs/deploy.md's file, on loopback: secrets from the environment, the same file for every instance.
    config = await dir.write(
      'ccb.yaml',
      [
        'auth:',
        '  api_keys: ["${CCB_CLIENT_KEY}", "${CCB_BUDGET_KEY}"]',
        '  fingerprint_secret: ${CCB_FINGERPRINT_SECRET}',
        'state:',
        '  store: redis',
        '  url: ${REDIS_URL}',
        '  key_prefix: "ccb:"',
        'ledger:',
        '  url: ${DATABASE_URL}',
        '  batch_interval: 100ms',
        'routing: { strategy: round-robin }',
        'budgets:',
        `  - { key: "\${CCB_BUDGET_KEY}", daily_tokens: ${capTokens} }`,
        'providers:',
        `  - { name: one, base_url: ${upstreams.one.url}, api_key: key-one }`,
        `  - { name: two, base_url: ${upstreams.two.url}, api_key: key-two }`,
      ].join('\n'),
    );
    env = {
      CCB_CLIENT_KEY: clientKey,
      CCB_BUDGET_KEY: budgetKey,
      CCB_FINGERPRINT_SECRET: fingerprintSecret,
      REDIS_URL: redis.url,
      DATABASE_URL: database,
    };
    instances = [];
    for (let index = 0; index < 3; index += 1) {
      const ccb = await startCcb(['serve', '--config', config, '--port', '0'], { env });
      cleanups.push(() => ccb.stop());
      instances.push(ccb);
    }
    await Promise.all(
      instances.map((ccb) =>
        ccb.line((line) => String(line.msg).startsWith('state: shared with the other instances')),
      ),
    );
    nginx = await startNginx(instances.map((ccb) => new URL(ccb.url).host));
    cleanups.push(() => nginx.stop());
  }, 120_000);

  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  }, 60_000);

  /** One Messages request through nginx: its status, the provider that served it and ccb's request id. */
  async function send(body: object = askAsNewSession(ask)) {
    const response = await request(`${nginx.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': clientKey,
        'anthropic-version': '2023-06-01',
      },
      body: JSON.stringify(body),
    });
    await response.body.dump();
    recorded += 1;
    return {
      status: response.statusCode,
      provider: response.headers['x-ccb-provider'] as string | undefined,
      requestId: String(response.headers['x-request-id']),
    };
  }
  const readiness = async (ccb: RunningCcb) =>
    (await (await request(`${ccb.url}/readyz`)).body.json()) as Readiness;
  const providerOf = (body: Readiness, name: string) =>
    body.providers.find((provider) => provider.name === name);
  const admin = async (ccb: RunningCcb, path: string) => {
    const response = await request(`${ccb.url}${path}`, { method: 'POST' });
    await response.body.dump();
    expect(response.statusCode).toBe(200);
  };
  /** `ccb usage` of the shared ledger, as an operator runs it on any host. */
  const usage = async () => {
    const result = await runCli(['usage', '--config', config, '--since', '1h', '--json'], { env });
    return (JSON.parse(result.stdout) as UsageReport).total.requests;
  };

  it('spreads requests over every instance, and ccb usage counts each exactly once', async () => {
    const answers = [];
    for (let index = 0; index < 12; index += 1) answers.push(await send());
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
    // Which instance served each: the one that logged its request id.
    const servedBy = await Promise.all(
      answers.map((answer) =>
        Promise.race(instances.map((ccb, index) => ccb.requestLine(answer.requestId).then(() => index))),
      ),
    );
    expect(new Set(servedBy)).toEqual(new Set([0, 1, 2]));
    expect(await eventually(usage, (total) => total >= recorded)).toBe(recorded);
  });

  it('honours on every instance, within a second, a 429 cool-down one of them learned', async () => {
    const sentBefore = upstreams.one.requests.length;
    upstreams.one.inject({ kind: 'status', status: 429, headers: { 'retry-after': '60' } });
    // Round-robin reaches `one` within two requests; the one that meets the 429 fails over to `two`.
    while (upstreams.one.requests.length === sentBefore) expect((await send()).status).toBe(200);
    const learnedAt = Date.now();
    await Promise.all(
      instances.map((ccb) =>
        eventually(
          () => readiness(ccb),
          (body) => providerOf(body, 'one')?.usable === false,
        ),
      ),
    );
    expect(Date.now() - learnedAt).toBeLessThan(1_000);
    const sentToOne = upstreams.one.requests.length;
    for (let index = 0; index < 6; index += 1) expect((await send()).provider).toBe('two');
    expect(upstreams.one.requests.length).toBe(sentToOne);
    // An operator's reset on one instance reaches the others too.
    await admin(instances[2] as RunningCcb, '/admin/providers/one/reset');
    await Promise.all(
      instances.map((ccb) =>
        eventually(
          () => readiness(ccb),
          (body) => providerOf(body, 'one')?.usable === true,
        ),
      ),
    );
  });

  it('skips on every instance a provider disabled through one instance’s admin API', async () => {
    await admin(instances[0] as RunningCcb, '/admin/providers/two/disable');
    await Promise.all(
      instances.map((ccb) =>
        eventually(
          () => readiness(ccb),
          (body) => providerOf(body, 'two')?.enabled === false,
        ),
      ),
    );
    for (let index = 0; index < 6; index += 1) expect((await send()).provider).toBe('one');
    await admin(instances[1] as RunningCcb, '/admin/providers/two/enable');
    await Promise.all(
      instances.map((ccb) =>
        eventually(
          () => readiness(ccb),
          (body) => providerOf(body, 'two')?.enabled === true,
        ),
      ),
    );
  });

  it('keeps a session on one provider whichever instance nginx hands it to', async () => {
    const session = askAsNewSession(ask);
    const sessionsOf = async (ccb: RunningCcb) => {
      const text = await (await request(`${ccb.url}/metrics`)).body.text();
      return Number(/^ccb_affinity_sessions (\d+)/m.exec(text)?.[1] ?? 0);
    };
    const before = await Promise.all(instances.map(sessionsOf));
    const first = (await send(session)).provider;
    // A binding reaches the other instances within a second; Claude Code's next turn comes later than that.
    await Promise.all(
      instances.map((ccb, index) =>
        eventually(
          () => sessionsOf(ccb),
          (count) => count > (before[index] ?? 0),
        ),
      ),
    );
    const providers = new Set<string | undefined>([first]);
    for (let index = 0; index < 9; index += 1) providers.add((await send(session)).provider);
    expect(providers).toEqual(new Set([first]));
  });

  it('stops a daily budget spent concurrently through every instance within one request of the cap', async () => {
    // A prompt of about 1,000 tokens: the mock's few output tokens are small beside it.
    const spend = { ...ask, messages: [{ role: 'user' as const, content: 'spend '.repeat(700) }] };
    const spendOnce = async () => {
      const response = await request(`${nginx.url}/v1/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': budgetKey,
          'anthropic-version': '2023-06-01',
        },
        body: JSON.stringify(askAsNewSession(spend)),
      });
      const body = (await response.body.json()) as {
        usage?: { input_tokens: number; output_tokens: number };
      };
      recorded += 1;
      return {
        status: response.statusCode,
        tokens: body.usage === undefined ? 0 : body.usage.input_tokens + body.usage.output_tokens,
      };
    };
    // One through each instance first (nginx takes turns): what a request spends, and each instance's estimate.
    const warmUp = [];
    for (let index = 0; index < 3; index += 1) warmUp.push(await spendOnce());
    const requestTokens = Math.max(...warmUp.map((answer) => answer.tokens));
    expect(requestTokens).toBeGreaterThan(500);
    const answers = await Promise.all(Array.from({ length: 30 }, spendOnce));
    expect(answers.filter((answer) => answer.status === 429).length).toBeGreaterThan(0);
    expect(answers.every((answer) => answer.status === 200 || answer.status === 429)).toBe(true);
    const spent = [...warmUp, ...answers].reduce((sum, answer) => sum + answer.tokens, 0);
    // Three instances counting alone would each let the cap through: about three times it.
    expect(spent).toBeGreaterThanOrEqual(capTokens);
    expect(spent).toBeLessThan(capTokens + requestTokens);
  });

  it('keeps every instance serving while Redis is down, loses no request, and converges when it is back', async () => {
    await redis.stop();
    await Promise.all(
      instances.map((ccb) =>
        eventually(
          () => readiness(ccb),
          (body) => body.state_store?.up === false,
        ),
      ),
    );
    for (let index = 0; index < 9; index += 1) expect((await send()).status).toBe(200);
    await redis.start();
    await Promise.all(
      instances.map((ccb) =>
        eventually(
          () => readiness(ccb),
          (body) => body.state_store?.up === true,
        ),
      ),
    );
    // Converged: a change through one instance reaches all again.
    await admin(instances[2] as RunningCcb, '/admin/providers/one/disable');
    await Promise.all(
      instances.map((ccb) =>
        eventually(
          () => readiness(ccb),
          (body) => providerOf(body, 'one')?.enabled === false,
        ),
      ),
    );
    await admin(instances[2] as RunningCcb, '/admin/providers/one/enable');
    await Promise.all(
      instances.map((ccb) =>
        eventually(
          () => readiness(ccb),
          (body) => providerOf(body, 'one')?.enabled === true,
        ),
      ),
    );
    expect(await eventually(usage, (total) => total >= recorded)).toBe(recorded);
  });

  it('answers every request while PostgreSQL is down, and writes their rows once it is back', async () => {
    await postgres.stop();
    // Every request completes while the database is still down: none waits for the ledger.
    for (let index = 0; index < 9; index += 1) expect((await send()).status).toBe(200);
    await postgres.start();
    expect(await eventually(usage, (total) => total >= recorded, 60_000)).toBe(recorded);
  });
});
