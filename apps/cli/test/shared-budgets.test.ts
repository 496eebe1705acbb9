import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream } from '@ccb/mock-upstream';
import { createRedisConnection } from '@ccb/state-redis';
import {
  createTestDatabase,
  ownRedisSkipReason,
  postgresForTests,
  postgresSkipReason,
  redisForTests,
  redisSkipReason,
  startRedis,
} from '@ccb/test-engines';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { askAsNewSession, eventually, type RunningCcb, startCcb, tempDir } from './run-cli.js';

const hasRedis = redisSkipReason() === undefined;
const noRedisReason = `skipped: ${redisSkipReason()}`;

if (!hasRedis) console.log(noRedisReason);

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A prompt of about 1,000 tokens: the few output tokens of the mock's answer are small beside it. */
const ask = {
  model: 'claude-sonnet-4-6',
  max_tokens: 16,
  messages: [{ role: 'user' as const, content: 'spend '.repeat(700) }],
};

async function instance(yaml: string): Promise<RunningCcb> {
  const dir = await tempDir();
  const file = await dir.write('ccb.yaml', yaml);
  const ccb = await startCcb(['serve', '--config', file, '--port', '0']);
  cleanups.push(async () => {
    await ccb.stop();
    await dir.dispose();
  });
  return ccb;
}

describe.skipIf(!hasRedis)('budgets shared through Redis', () => {
  it('stops a daily budget spent concurrently through two instances within one request of the cap', async () => {
    const redis = await redisForTests();
    cleanups.push(() => redis.stop());
    const upstream = await createMockUpstream({ name: 'm', apiKey: 'key-m' });
    cleanups.push(() => upstream.close());
    const capTokens = 12_000;
    const yaml = [
      // Both instances must name the key alike: the same fingerprint secret.
      `auth: { api_keys: [team-key], fingerprint_secret: "${'s'.repeat(40)}" }`,
      `state: { store: redis, url: "${redis.url}", key_prefix: "${redis.keyPrefix}" }`,
      'ledger: { enabled: false }',
      'budgets:',
      `  - { key: team-key, daily_tokens: ${capTokens} }`,
      'providers:',
      `  - { name: m, base_url: "${upstream.url}", api_key: key-m }`,
    ].join('\n');
    const instances = await Promise.all([instance(yaml), instance(yaml)]);
    const clients = instances.map(
      (ccb) => new Anthropic({ baseURL: ccb.url, apiKey: 'team-key', maxRetries: 0 }),
    );
    const tokensOf = (message: Anthropic.Message) => message.usage.input_tokens + message.usage.output_tokens;
    // One request through each first: what one request spends, and what each instance then reserves for the next.
    const warmUp = await Promise.all(clients.map((client) => client.messages.create(askAsNewSession(ask))));
    const requestTokens = Math.max(...warmUp.map(tokensOf));
    expect(requestTokens).toBeGreaterThan(500);

    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        (clients[index % 2] as Anthropic).messages.create(askAsNewSession(ask)).then(
          (message) => message,
          (error: unknown) => error,
        ),
      ),
    );
    const served = answers.filter((answer): answer is Anthropic.Message => !(answer instanceof Error));
    const refused = answers.filter((answer) => answer instanceof Error);
    for (const error of refused) {
      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      expect(String(error.message)).toMatch(/daily tokens of key .* is used up; it resets at/);
    }
    expect(upstream.requests).toHaveLength(2 + served.length);
    const spentTokens = [...warmUp, ...served].reduce((sum, message) => sum + tokensOf(message), 0);
    // Without a shared store each instance would have let its own 12,000 tokens through: about twice the cap.
    expect(spentTokens).toBeGreaterThanOrEqual(capTokens);
    expect(spentTokens).toBeLessThan(capTokens + requestTokens);
  });
});

const ownEngines = ownRedisSkipReason() ?? postgresSkipReason();
const admin = 'admin-key-for-tests';
if (hasRedis && ownEngines !== undefined) console.log(`skipped the Redis restart test: ${ownEngines}`);

describe.skipIf(!hasRedis || ownEngines !== undefined)('budgets after Redis restarts empty', () => {
  it('refills the counters from the Postgres ledger, so a used-up budget stays used up', async () => {
    // A Redis of its own: this test kills it (no persistence, as many deployments run it).
    const redis = await startRedis();
    cleanups.push(() => redis.destroy());
    const postgres = await postgresForTests();
    cleanups.push(() => postgres.release());
    const database = await createTestDatabase(postgres.url, 'ccb_restart');
    const upstream = await createMockUpstream({ name: 'm', apiKey: 'key-m' });
    cleanups.push(() => upstream.close());
    const ccb = await instance(
      [
        `auth: { api_keys: [team-key], admin_key: ${admin}, fingerprint_secret: "${'s'.repeat(40)}" }`,
        `state: { store: redis, url: "${redis.url}" }`,
        `ledger: { url: "${database}", batch_interval: 50ms }`,
        'budgets:',
        // Any spend uses it up: the first request passes (nothing spent yet), the next is refused.
        '  - { key: team-key, daily_tokens: 1 }',
        'providers:',
        `  - { name: m, base_url: "${upstream.url}", api_key: key-m }`,
      ].join('\n'),
    );
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'team-key', maxRetries: 0 });
    const connection = createRedisConnection({ url: redis.url, keyPrefix: '', maxReconnectDelayInMs: 50 });
    cleanups.push(() => connection.close());
    // Tokens spent today in Redis's budget counters; -1 while the test's own connection is down.
    const spentInRedis = async () => {
      try {
        const keys = await connection.commands.keys('ccb:budget:key:*:day:*');
        const hashes = keys.filter((key) => !key.endsWith(':r'));
        const values = await Promise.all(hashes.map((key) => connection.commands.hget(key, 'tokens')));
        return values.reduce((sum, value) => sum + Number(value ?? 0), 0);
      } catch {
        return -1;
      }
    };
    const storeUp = async () => {
      const readiness = await request(`${ccb.url}/readyz`);
      return ((await readiness.body.json()) as { state_store?: { up: boolean } }).state_store?.up;
    };
    await eventually(storeUp, (up) => up === true);
    const served = await client.messages.create(askAsNewSession(ask));
    const spent = served.usage.input_tokens + served.usage.output_tokens;
    await expect(client.messages.create(askAsNewSession(ask))).rejects.toBeInstanceOf(
      Anthropic.RateLimitError,
    );
    // The row is in the ledger before Redis goes (a report writes its instance's queue first).
    const usage = await request(`${ccb.url}/admin/usage?since=1h`, { headers: { 'x-api-key': admin } });
    // Both requests: the refused one is recorded too, at no cost.
    expect(((await usage.body.json()) as { total: { requests: number } }).total.requests).toBe(2);
    expect(await spentInRedis()).toBe(spent);

    await redis.stop();
    await redis.start();
    // ccb reconnects and raises the counter to the ledger's spend.
    await eventually(spentInRedis, (tokens) => tokens >= spent);
    await expect(client.messages.create(askAsNewSession(ask))).rejects.toBeInstanceOf(
      Anthropic.RateLimitError,
    );
    expect(upstream.requests).toHaveLength(1);
  }, 60_000);
});
