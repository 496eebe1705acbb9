import { adminEventSchema } from '@ccb/admin-api';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCcb, startCcb, tempDir } from './run-cli.js';

const adminKey = 'ccb-admin-key-events-0123456789ab';
const alphaKey = 'sk-provider-alpha-events-0123456789';
const betaKey = 'sk-provider-beta-events-0123456789';

/** Reads server-sent events from a response body: resolves with each message until `until` accepts one. */
function readEvents(body: AsyncIterable<Buffer>) {
  const messages: { event: string; data: Record<string, unknown> }[] = [];
  let raw = '';
  const waiters: { match: (data: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
  const done = (async () => {
    let buffer = '';
    for await (const chunk of body) {
      raw += chunk.toString('utf8');
      buffer += chunk.toString('utf8');
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === undefined || data === undefined) continue;
        const parsed = JSON.parse(data) as Record<string, unknown>;
        messages.push({ event, data: parsed });
        for (const waiter of [...waiters]) {
          if (waiter.match(parsed)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve();
          }
        }
      }
    }
  })();
  return {
    messages,
    raw: () => raw,
    done,
    /** Resolves once a message `match` accepts has come (or came already). */
    until(match: (data: Record<string, unknown>) => boolean): Promise<void> {
      if (messages.some((message) => match(message.data))) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

describe('GET /admin/events', () => {
  let alpha: MockUpstream;
  let beta: MockUpstream;
  let ccb: RunningCcb;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    alpha = await createMockUpstream({ name: 'alpha', apiKey: alphaKey });
    beta = await createMockUpstream({ name: 'beta', apiKey: betaKey });
    dir = await tempDir();
    const file = await dir.write(
      'ccb.yaml',
      `auth:
  admin_key: ${adminKey}
health:
  failure_threshold: 2
providers:
  - name: alpha
    base_url: ${alpha.url}
    api_key: ${alphaKey}
    priority: 1
  - name: beta
    base_url: ${beta.url}
    api_key: ${betaKey}
    priority: 2
`,
    );
    ccb = await startCcb(['serve', '--config', file, '--port', '0']);
  });
  afterAll(async () => {
    await ccb?.stop();
    await Promise.all([alpha?.close(), beta?.close(), dir?.dispose()]);
  });

  async function ask(): Promise<void> {
    const response = await request(`${ccb.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    await response.body.text();
    expect(response.statusCode).toBe(200);
  }

  it('refuses a request without the admin key', async () => {
    const response = await request(`${ccb.url}/admin/events`);
    await response.body.text();
    expect(response.statusCode).toBe(401);
  });

  it('streams hello, then health changes, failovers with their request ids and a traffic aggregate per second', async () => {
    const controller = new AbortController();
    const response = await request(`${ccb.url}/admin/events`, {
      headers: { 'x-api-key': adminKey },
      signal: controller.signal,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const stream = readEvents(response.body);
    stream.done.catch(() => {});
    await stream.until((data) => data.type === 'hello');
    alpha.inject({ kind: 'status', status: 500, errorType: 'api_error' }, 2);
    await ask();
    await ask();
    await stream.until((data) => data.type === 'router' && data.to === 'open');
    await stream.until(
      (data) => data.type === 'traffic' && (data.total as { requests: number }).requests > 0,
    );
    const failovers = stream.messages.filter((message) => message.event === 'failover');
    expect(failovers).toHaveLength(2);
    const logged = await ccb.requestLine(String(failovers[0]?.data.request_id));
    expect(logged.outcome).toBe('failed_over');
    expect(failovers[0]?.data).toMatchObject({
      provider: 'beta',
      attempts: [{ provider: 'alpha', status: 500 }, { provider: 'beta' }],
    });
    const opened = stream.messages.find((message) => message.data.to === 'open');
    expect(opened?.data).toMatchObject({ provider: 'alpha', kind: 'state-change', from: 'closed' });
    expect(stream.messages[0]?.event).toBe('hello');
    for (const message of stream.messages) {
      expect(message.event).toBe(message.data.type);
      expect(adminEventSchema.safeParse(message.data).success).toBe(true);
    }
    for (const secret of [adminKey, alphaKey, betaKey]) expect(stream.raw()).not.toContain(secret);
    controller.abort();
    await stream.done.catch(() => {});
  });

  it('serves the dashboard at /ui under a strict policy, and its files under /ui/', async () => {
    const page = await request(`${ccb.url}/ui`);
    const html = await page.body.text();
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    const script = /src="(ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await request(`${ccb.url}/${script}`);
    await asset.body.text();
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toContain('immutable');
    const missing = await request(`${ccb.url}/ui/assets/nothing.js`);
    await missing.body.text();
    expect(missing.statusCode).toBe(404);
  });
});
