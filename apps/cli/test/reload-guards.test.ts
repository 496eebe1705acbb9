import { writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { createGatedUpstream } from './gated-upstream.js';
import { startCcb, tempDir } from './run-cli.js';

const ask = {
  model: 'claude-sonnet-4-6',
  max_tokens: 16,
  messages: [{ role: 'user' as const, content: 'hi' }],
};
const isReloadLine = (line: Record<string, unknown>) =>
  typeof line.msg === 'string' && /^config reload/.test(line.msg);
const clientKey = 'ccb-client-key-0123456789abcdef';

async function providersOf(url: string): Promise<Record<string, { usable: boolean; reason: string | null }>> {
  const answer = (await request(`${url}/admin/providers`).then((response) => response.body.json())) as {
    providers: { name: string; health: { usable: boolean; reason: string | null } }[];
  };
  return Object.fromEntries(answer.providers.map((provider) => [provider.name, provider.health]));
}

describe('what a reload must not do', () => {
  it('routes a request whose body was still arriving by the configuration it started on', async () => {
    const alpha = await createGatedUpstream('alpha', 'key-alpha-0123456789');
    const dir = await tempDir();
    try {
      const provider = (name: string) =>
        `providers:\n  - name: ${name}\n    base_url: ${alpha.url}\n    api_key: key-alpha-0123456789\n`;
      const file = await dir.write('ccb.yaml', provider('alpha'));
      const ccb = await startCcb(['serve', '--config', file, '--port', '0']);
      const body = JSON.stringify(ask);
      const { port } = new URL(ccb.url);
      const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const sent = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/v1/messages',
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              'anthropic-version': '2023-06-01',
            },
          },
          (response) => {
            let text = '';
            response.on('data', (chunk: Buffer) => {
              text += chunk.toString();
            });
            response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
          },
        );
        sent.on('error', reject);
        sent.write(body.slice(0, 10));
        // The provider is renamed while the body is still on its way.
        void (async () => {
          await writeFile(file, provider('alpha-renamed'));
          const reloaded = ccb.nextLine(isReloadLine);
          ccb.child.kill('SIGHUP');
          expect(String((await reloaded).msg)).toContain('provider alpha-renamed added');
          sent.end(body.slice(10));
        })();
      });
      const answer = await answered;
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text).content[0].text).toBe('Hello from alpha!');
      const line = await ccb.nextRequestLine();
      expect(line.provider).toBe('alpha');
      await ccb.stop();
    } finally {
      await alpha.close();
      await dir.dispose();
    }
  });

  it('gives a provider whose key was rotated a fresh start, not the bench its old key earned', async () => {
    const alpha = await createGatedUpstream('alpha', 'key-alpha-right-0123456789');
    const beta = await createGatedUpstream('beta', 'key-beta-0123456789');
    const dir = await tempDir();
    try {
      const config = (alphaKey: string) =>
        `routing: { strategy: priority }\nproviders:\n  - name: alpha\n    base_url: ${alpha.url}\n    api_key: ${alphaKey}\n` +
        `  - name: beta\n    base_url: ${beta.url}\n    api_key: key-beta-0123456789\n    priority: 2\n`;
      const file = await dir.write('ccb.yaml', config('key-alpha-wrong-0123456789'));
      const ccb = await startCcb(['serve', '--config', file, '--port', '0']);
      const client = new Anthropic({ baseURL: ccb.url, apiKey: 'unused', maxRetries: 0 });
      expect((await client.messages.create(ask)).content[0]).toMatchObject({ text: 'Hello from beta!' });
      expect((await providersOf(ccb.url)).alpha?.usable).toBe(false);

      await writeFile(file, config('key-alpha-right-0123456789'));
      const reloaded = ccb.nextLine(isReloadLine);
      ccb.child.kill('SIGHUP');
      expect(String((await reloaded).msg)).toContain('provider alpha: api_key changed');
      expect((await providersOf(ccb.url)).alpha).toMatchObject({ usable: true, reason: null });
      expect((await client.messages.create(ask)).content[0]).toMatchObject({ text: 'Hello from alpha!' });
      await ccb.stop();
    } finally {
      await alpha.close();
      await beta.close();
      await dir.dispose();
    }
  });

  it('refuses a reload that would open a ccb listening beyond loopback, as startup would', async () => {
    const alpha = await createGatedUpstream('alpha', 'key-alpha-0123456789');
    const dir = await tempDir();
    try {
      const config = (keys: string) =>
        `server: { host: 0.0.0.0 }\nauth: { api_keys: [${keys}], admin_key: ccb-admin-key-0123456789abcdef }\n` +
        `providers:\n  - name: alpha\n    base_url: ${alpha.url}\n    api_key: key-alpha-0123456789\n`;
      const file = await dir.write('ccb.yaml', config(clientKey));
      const ccb = await startCcb(['serve', '--config', file, '--port', '0']);
      const url = ccb.url.replace('0.0.0.0', '127.0.0.1');
      for (const keys of ['', 'short-key']) {
        await writeFile(file, config(keys));
        const reloaded = ccb.nextLine(isReloadLine);
        ccb.child.kill('SIGHUP');
        const line = String((await reloaded).msg);
        expect(line).toContain('rejected');
        expect(line).toContain('refusing to listen on 0.0.0.0');
      }
      const open = await request(`${url}/v1/models`);
      await open.body.dump();
      expect(open.statusCode).toBe(401);
      const client = new Anthropic({ baseURL: url, apiKey: clientKey, maxRetries: 0 });
      expect((await client.messages.create(ask)).content[0]).toMatchObject({ text: 'Hello from alpha!' });
      await ccb.stop();
    } finally {
      await alpha.close();
      await dir.dispose();
    }
  });

  it('applies new prices in pricing.file, which the config itself names but does not hold', async () => {
    const alpha = await createGatedUpstream('alpha', 'key-alpha-0123456789');
    const dir = await tempDir();
    try {
      const prices = (input: number) =>
        `- family: claude-sonnet-4-6\n  price: { input: ${input}, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1, output: 1 }\n`;
      await dir.write('prices.yaml', prices(1));
      const file = await dir.write(
        'ccb.yaml',
        `pricing: { file: prices.yaml }\nproviders:\n  - name: alpha\n    base_url: ${alpha.url}\n    api_key: key-alpha-0123456789\n`,
      );
      const ccb = await startCcb(['serve', '--config', file, '--port', '0', '--reload']);
      await ccb.line((line) => String(line.msg).startsWith('watching'));
      const client = new Anthropic({ baseURL: ccb.url, apiKey: 'unused', maxRetries: 0 });
      const before = ccb.nextRequestLine();
      await client.messages.create(ask);
      const cheap = Number((await before).cost_usd);
      const reloaded = ccb.nextLine(isReloadLine);
      await dir.write('prices.yaml', prices(1000));
      expect(String((await reloaded).msg)).toContain('pricing.file: the prices in prices.yaml changed');
      const after = ccb.nextRequestLine();
      await client.messages.create(ask);
      // 12 input tokens at 1 and at 1000 USD per million, plus 5 output tokens at 1.
      expect(cheap).toBeCloseTo((12 + 5) / 1e6, 9);
      expect(Number((await after).cost_usd)).toBeCloseTo((12 * 1000 + 5) / 1e6, 9);
      await ccb.stop();
    } finally {
      await alpha.close();
      await dir.dispose();
    }
  });
});
