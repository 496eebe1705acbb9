import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { ownRedisSkipReason, redisForTests, redisSkipReason, type TestRedis } from '@ccb/test-engines';
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

const ask = { model: 'claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] };

async function mock(name: string): Promise<MockUpstream> {
  const created = await createMockUpstream({ name, apiKey: `key-${name}-0123456789` });
  cleanups.push(() => created.close());
  return created;
}

/**
 * Two ccb processes on one config: providers `one` and `two` (in that order of priority, unless `onePriority`),
 * sharing `redis`.
 */
async function twoInstances(redis: TestRedis, routing: string, onePriority = false) {
  const upstreams = await Promise.all(['one', 'two'].map(mock));
  const dir = await tempDir();
  cleanups.push(() => dir.dispose());
  const config = await dir.write(
    'ccb.yaml',
    [
      `state: { store: redis, url: "${redis.url}", key_prefix: "${redis.keyPrefix}" }`,
      `routing: ${routing}`,
      'providers:',
      ...['one', 'two'].flatMap((name, index) => [
        `  - name: ${name}`,
        `    base_url: ${upstreams[index]?.url}`,
        `    api_key: key-${name}-0123456789`,
        `    priority: ${onePriority ? 1 : index + 1}`,
      ]),
    ].join('\n'),
  );
  const instances: RunningCcb[] = [];
  for (let index = 0; index < 2; index += 1) {
    const ccb = await startCcb(['serve', '--config', config, '--port', '0']);
    cleanups.push(() => ccb.stop());
    instances.push(ccb);
  }
  // Each says once that it shares its state; by then its replica has loaded what Redis holds.
  await Promise.all(
    instances.map((ccb) =>
      ccb.line((line) => String(line.msg).startsWith('state: shared with the other instances')),
    ),
  );
  return { left: instances[0] as RunningCcb, right: instances[1] as RunningCcb, upstreams };
}

/**
 * One Messages request; the provider that served it (`x-ccb-provider`) and the status. Each is a new session unless
 * `body` says otherwise: requests without a session id would share one (a hash of their first message) and stick.
 */
async function send(
  url: string,
  body: object = askAsNewSession(ask),
): Promise<{ status: number; provider: string | undefined }> {
  const response = await request(`${url}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': 'client-key',
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify(body),
  });
  await response.body.dump();
  const provider = response.headers['x-ccb-provider'];
  return { status: response.statusCode, provider: typeof provider === 'string' ? provider : undefined };
}

async function json<T>(url: string, init: Parameters<typeof request>[1] = {}): Promise<T> {
  const response = await request(url, init);
  return (await response.body.json()) as T;
}

interface Readiness {
  providers: { name: string; usable: boolean; enabled: boolean; cooling_down_until: string | null }[];
  state_store?: { store: string; address: string; up: boolean; last_error: string | null };
}

describe.skipIf(!hasRedis)('two ccb instances sharing one Redis', () => {
  it('honours on one a 429 cool-down the other learned, within a second', { timeout: 30_000 }, async () => {
    const redis = await redisForTests();
    cleanups.push(() => redis.stop());
    const { left, right, upstreams } = await twoInstances(redis, '{ strategy: priority }');
    const [one] = upstreams as [MockUpstream, MockUpstream];
    one.inject({ kind: 'status', status: 429, headers: { 'retry-after': '60' } });
    // The left instance meets the 429 and fails over.
    expect(await send(left.url)).toEqual({ status: 200, provider: 'two' });
    const learnedAt = Date.now();
    const seen = await eventually(
      () => json<Readiness>(`${right.url}/readyz`),
      (body) => body.providers.find((provider) => provider.name === 'one')?.usable === false,
    );
    expect(Date.now() - learnedAt).toBeLessThan(1_000);
    expect(seen.providers.find((provider) => provider.name === 'one')?.cooling_down_until).not.toBeNull();
    // The right instance never tries `one`: it goes to `two` at once, and it said why.
    expect(await send(right.url)).toEqual({ status: 200, provider: 'two' });
    await right.line((line) =>
      String(line.msg).startsWith('state: another instance cooled provider one down'),
    );
  });

  it('skips on one a provider disabled through the other one’s admin API', { timeout: 30_000 }, async () => {
    const redis = await redisForTests();
    cleanups.push(() => redis.stop());
    const { left, right } = await twoInstances(redis, '{ strategy: priority }');
    expect((await send(right.url)).provider).toBe('one');
    const disabled = await request(`${left.url}/admin/providers/one/disable`, { method: 'POST' });
    expect(disabled.statusCode).toBe(200);
    await disabled.body.dump();
    await eventually(
      () => json<Readiness>(`${right.url}/readyz`),
      (body) => body.providers.find((provider) => provider.name === 'one')?.enabled === false,
    );
    expect(await send(right.url)).toEqual({ status: 200, provider: 'two' });
    // Enabling it again through the right instance brings it back on the left one.
    const enabled = await request(`${right.url}/admin/providers/one/enable`, { method: 'POST' });
    await enabled.body.dump();
    await eventually(
      () => json<Readiness>(`${left.url}/readyz`),
      (body) => body.providers.find((provider) => provider.name === 'one')?.enabled === true,
    );
    expect((await send(left.url)).provider).toBe('one');
  });

  it('keeps a session on its provider across the two instances', { timeout: 30_000 }, async () => {
    const redis = await redisForTests();
    cleanups.push(() => redis.stop());
    const { left, right } = await twoInstances(redis, '{ strategy: round-robin }', true);
    const session = askAsNewSession(ask);
    const bound = (await send(left.url, session)).provider as string;
    await eventually(
      () => request(`${right.url}/metrics`).then((response) => response.body.text()),
      (text) => /^ccb_affinity_sessions [1-9]/m.test(text),
    );
    // Turn the right instance's round-robin (new sessions, each unbound) until its last pick was `bound`: its next
    // pick, without the binding, would be the other provider (two providers take turns).
    let last = (await send(right.url)).provider;
    if (last !== bound) last = (await send(right.url)).provider;
    expect(last).toBe(bound);
    for (let turn = 0; turn < 3; turn += 1) expect((await send(right.url, session)).provider).toBe(bound);
  });

  it.skipIf(ownRedisSkipReason() !== undefined)(
    'keeps both serving while Redis is down, shows it, and converges when it is back',
    { timeout: 30_000 },
    async () => {
      const redis = await redisForTests({ mustOwn: true });
      cleanups.push(() => redis.stop());
      const { left, right, upstreams } = await twoInstances(redis, '{ strategy: priority }');
      const downLines = [left, right].map((ccb) =>
        ccb.nextLine((line) => String(line.msg).includes('is unreachable')),
      );
      await redis.kill();
      const lines = await Promise.all(downLines);
      for (const line of lines) expect(String(line.msg)).not.toContain(redis.url);
      for (const ccb of [left, right]) {
        const body = await json<Readiness>(`${ccb.url}/readyz`);
        expect(body.state_store).toMatchObject({ store: 'redis', up: false });
        expect(body.state_store?.address).toBe(new URL(redis.url).host);
        const ready = await request(`${ccb.url}/readyz`);
        expect(ready.statusCode).toBe(200);
        await ready.body.dump();
      }
      // The left instance learns a cool-down while Redis is away, and keeps serving on its own state.
      const [one] = upstreams as [MockUpstream, MockUpstream];
      one.inject({ kind: 'status', status: 429, headers: { 'retry-after': '60' } });
      expect(await send(left.url)).toEqual({ status: 200, provider: 'two' });
      expect(await send(right.url)).toEqual({ status: 200, provider: 'one' });
      const metrics = await request(`${left.url}/metrics`).then((response) => response.body.text());
      expect(metrics).toMatch(/^ccb_state_store_up\{store="redis"\} 0$/m);
      expect(metrics).toMatch(/^ccb_state_store_write_failures_total\{store="redis"\} [1-9]/m);

      const backLines = [left, right].map((ccb) =>
        ccb.nextLine((line) => String(line.msg).includes('is back')),
      );
      await redis.restart();
      await Promise.all(backLines);
      // What the left instance learned while Redis was away reaches the right one without a restart.
      await eventually(
        () => json<Readiness>(`${right.url}/readyz`),
        (body) =>
          body.state_store?.up === true && body.providers.find((p) => p.name === 'one')?.usable === false,
      );
      expect(await send(right.url)).toEqual({ status: 200, provider: 'two' });
    },
  );
});
