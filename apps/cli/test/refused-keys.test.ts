import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { createKeyFingerprint } from '@ccb/proxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCcb, startCcb, tempDir } from './run-cli.js';

const clientKey = 'client-key-0123456789abcdef';
const adminKey = 'admin-key-0123456789abcdef';
const providerKey = 'sk-provider-key-0123456789';
const wrongKey = 'wrong-key-0123456789abcdef';

/** The value of a sample of the Prometheus text, e.g. `ccb_auth_rejected_total{scope="client"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('refused keys', () => {
  let mock: MockUpstream;
  let folder: Awaited<ReturnType<typeof tempDir>>;
  let ccb: RunningCcb;
  let fingerprint: (key: string) => string;

  beforeAll(async () => {
    mock = await createMockUpstream({ apiKey: providerKey });
    folder = await tempDir();
    const config = await folder.write(
      'ccb.yaml',
      [
        `auth: { api_keys: [${clientKey}], admin_key: ${adminKey} }`,
        'ledger: { path: data/ledger.sqlite }',
        'providers:',
        `  - { name: p, base_url: "${mock.url}", api_key: ${providerKey} }`,
      ].join('\n'),
    );
    ccb = await startCcb(['serve', '--config', config, '--port', '0']);
    // The secret ccb generated beside its ledger: the fingerprints it logs are keyed by it.
    const secret = readFileSync(join(folder.path, 'data', 'ccb-fingerprint.key'), 'utf8').trim();
    fingerprint = createKeyFingerprint(Buffer.from(secret, 'hex'));
  });
  afterAll(async () => {
    await ccb.stop();
    await mock.close();
    await folder.dispose();
  });

  it('logs a refused key once a minute by its keyed fingerprint, counts the rest, and sums them up at exit', async () => {
    const client = (apiKey: string) => new Anthropic({ baseURL: ccb.url, apiKey, maxRetries: 0 });
    const ask = (apiKey: string) =>
      client(apiKey).messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      });
    for (let index = 0; index < 5; index++) {
      await expect(ask(wrongKey)).rejects.toMatchObject({ status: 401 });
    }
    const missing = await fetch(`${ccb.url}/v1/models`);
    expect(missing.status).toBe(401);
    for (let index = 0; index < 3; index++) {
      expect((await fetch(`${ccb.url}/metrics`, { headers: { 'x-api-key': wrongKey } })).status).toBe(401);
    }
    // An accepted key and the admin key are not refusals.
    expect((await ask(clientKey)).type).toBe('message');
    const metrics = await fetch(`${ccb.url}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } });
    const text = await metrics.text();
    expect(sample(text, 'ccb_auth_rejected_total{scope="client"}')).toBe(6);
    expect(sample(text, 'ccb_auth_rejected_total{scope="admin"}')).toBe(3);

    const refusals = () =>
      ccb.lines.map((line) => String(line.msg)).filter((message) => message.startsWith('auth: '));
    const wrong = fingerprint(wrongKey);
    expect(refusals()).toEqual([
      `auth: refused client key ${wrong} for POST /v1/messages from 127.0.0.1; further refusals of it are counted for 1 minute, then summed up`,
      'auth: refused client key none (no key sent) for GET /v1/models from 127.0.0.1; further refusals of it are counted for 1 minute, then summed up',
      `auth: refused admin key ${wrong} for GET /metrics from 127.0.0.1; further refusals of it are counted for 1 minute, then summed up`,
    ]);
    expect(await ccb.stop()).toBe(0);
    expect(refusals().at(-1)).toBe(
      `auth: 6 more refusals within 1 minute, not logged one by one: client ${wrong} ×4, admin ${wrong} ×2`,
    );
    const everything = JSON.stringify(ccb.lines);
    for (const key of [wrongKey, clientKey, adminKey]) expect(everything).not.toContain(key);
  });
});
