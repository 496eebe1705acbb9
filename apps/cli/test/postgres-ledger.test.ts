import Anthropic from '@anthropic-ai/sdk';
import { createPostgresLedger } from '@ccb/ledger';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import {
  createTestDatabase,
  ownPostgresSkipReason,
  type PostgresServer,
  postgresForTests,
  postgresSkipReason,
  startPostgres,
  type TestPostgres,
} from '@ccb/test-engines';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCcb, runCli, startCcb, tempDir } from './run-cli.js';

const skip = postgresSkipReason();
if (skip !== undefined) console.warn(`skipping the CLI's Postgres ledger tests: ${skip}`);

const admin = 'admin-key-for-tests';
// Trust auth accepts any password: this one only has to never show up in what ccb prints.
const password = 'pg-password-never-printed';
const ask = {
  model: 'claude-sonnet-4-6',
  max_tokens: 16,
  messages: [{ role: 'user' as const, content: 'hi' }],
};

interface Report {
  readonly rows: readonly { key: string | null; requests: number; costUsd: number }[];
  readonly total: { requests: number; costUsd: number };
}

async function adminUsage(ccb: RunningCcb): Promise<Report> {
  const response = await request(`${ccb.url}/admin/usage?since=1h&by=provider`, {
    headers: { 'x-api-key': admin },
  });
  expect(response.statusCode).toBe(200);
  return (await response.body.json()) as Report;
}

describe.skipIf(skip !== undefined)('a Postgres ledger shared by two ccb instances', () => {
  let server: TestPostgres;
  let upstream: MockUpstream;

  beforeAll(async () => {
    server = await postgresForTests();
    upstream = await createMockUpstream({ name: 'a', apiKey: 'key-a' });
  }, 60_000);

  afterAll(async () => {
    await upstream?.close();
    await server?.release();
  }, 60_000);

  it('counts every request of both instances exactly once, in /admin/usage and ccb usage, never printing the password', async () => {
    const database = new URL(await createTestDatabase(server.url, 'ccb_cli'));
    database.password = password;
    const dir = await tempDir();
    const instances: RunningCcb[] = [];
    try {
      const config = await dir.write(
        'ccb.yaml',
        [
          `auth: { admin_key: ${admin}, fingerprint_secret: 0123456789abcdef0123456789abcdef-shared }`,
          'ledger: { url: "${LEDGER_URL}", batch_interval: 50ms }',
          'providers:',
          `  - { name: a, base_url: ${upstream.url}, api_key: key-a }`,
        ].join('\n'),
      );
      const env = { LEDGER_URL: database.toString() };
      for (let index = 0; index < 2; index += 1) {
        instances.push(await startCcb(['serve', '--config', config, '--port', '0'], { env }));
      }
      const [first, second] = instances as [RunningCcb, RunningCcb];
      for (const [ccb, count] of [
        [first, 3],
        [second, 2],
      ] as const) {
        const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
        for (let index = 0; index < count; index += 1) {
          const { response } = await client.messages.create(ask).withResponse();
          // Logged once recorded: the request is in the ledger's queue from then on.
          await ccb.requestLine(response.headers.get('x-request-id') ?? '');
        }
      }
      // A report writes its own instance's queue first: after the second's, the first sees every row.
      expect((await adminUsage(second)).total.requests).toBeGreaterThanOrEqual(2);
      const fromFirst = await adminUsage(first);
      expect(fromFirst.rows.map((row) => [row.key, row.requests])).toEqual([['a', 5]]);
      for (const ccb of instances.splice(0)) expect(await ccb.stop()).toBe(0);

      const usage = await runCli(['usage', '--config', config, '--since', '1h', '--json'], { env });
      expect(usage.stderr).toBe('');
      const report = JSON.parse(usage.stdout) as Report;
      expect(report.total.requests).toBe(5);
      expect(report.total.costUsd).toBeCloseTo(fromFirst.total.costUsd, 9);
      const table = await runCli(['usage', '--config', config, '--since', '1h'], { env });
      expect(table.stdout).toMatch(/^a\s+5\s/m);
      for (const text of [
        usage.stdout,
        table.stdout,
        table.stderr,
        JSON.stringify(first.lines),
        JSON.stringify(second.lines),
      ]) {
        expect(text).not.toContain(password);
      }
      expect(
        first.lines.some((line) =>
          String(line.msg).includes(`127.0.0.1:${database.port}/${database.pathname.slice(1)}`),
        ),
      ).toBe(true);
    } finally {
      for (const ccb of instances) await ccb.stop();
      await dir.dispose();
    }
  }, 90_000);

  it('restores a budget from the spend other instances wrote before this one started', async () => {
    const url = await createTestDatabase(server.url, 'ccb_budget');
    const earlier = createPostgresLedger({ url });
    earlier.record({
      time: Date.now() - 1000,
      requestId: 'req_from_another_instance',
      clientKeyId: '',
      sessionId: null,
      provider: 'a',
      modelRequested: 'claude-sonnet-4-6',
      modelSent: 'claude-sonnet-4-6',
      status: 200,
      attempts: 1,
      inputTokens: 1000,
      outputTokens: 100,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
      costUsd: 7,
      durationInMs: 100,
      timeToFirstByteInMs: 50,
      stream: false,
    });
    await earlier.close();
    const dir = await tempDir();
    try {
      const config = await dir.write(
        'ccb.yaml',
        [
          `auth: { admin_key: ${admin} }`,
          'ledger: { url: "${LEDGER_URL}" }',
          'budgets: [{ provider: a, daily_usd: 10 }]',
          'providers:',
          `  - { name: a, base_url: ${upstream.url}, api_key: key-a }`,
        ].join('\n'),
      );
      const ccb = await startCcb(['serve', '--config', config, '--port', '0'], { env: { LEDGER_URL: url } });
      try {
        const response = await request(`${ccb.url}/admin/budgets`, { headers: { 'x-api-key': admin } });
        const report = (await response.body.json()) as { budgets: { name: string; used: number }[] };
        expect(report.budgets.find((budget) => budget.name === 'a')?.used).toBe(7);
      } finally {
        await ccb.stop();
      }
    } finally {
      await dir.dispose();
    }
  }, 60_000);
});

// This one stops the server, so it needs its own (DATABASE_URL's is never stopped).
const noOwnServer = ownPostgresSkipReason() !== undefined;
describe.skipIf(noOwnServer)('ccb while its Postgres ledger is down', () => {
  let server: PostgresServer;
  let upstream: MockUpstream;

  beforeAll(async () => {
    server = await startPostgres();
    upstream = await createMockUpstream({ name: 'a', apiKey: 'key-a' });
  }, 60_000);

  afterAll(async () => {
    await upstream?.close();
    await server?.destroy();
  }, 60_000);

  it('serves every request while the database is stopped, and writes their rows once it is back', async () => {
    const dir = await tempDir();
    let ccb: RunningCcb | undefined;
    try {
      const config = await dir.write(
        'ccb.yaml',
        [
          `auth: { admin_key: ${admin} }`,
          'ledger: { url: "${LEDGER_URL}", batch_interval: 20ms }',
          'providers:',
          `  - { name: a, base_url: ${upstream.url}, api_key: key-a }`,
        ].join('\n'),
      );
      ccb = await startCcb(['serve', '--config', config, '--port', '0'], { env: { LEDGER_URL: server.url } });
      const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
      await client.messages.create(ask);
      await server.stop();
      const failedWrite = ccb.nextLine((line) => String(line.msg).startsWith('ledger: Cannot write'));
      try {
        for (let index = 0; index < 5; index += 1) {
          const { response } = await client.messages.create(ask).withResponse();
          expect(response.status).toBe(200);
          await ccb.requestLine(response.headers.get('x-request-id') ?? '');
        }
        // The rows waited in memory: the batch written meanwhile failed, and said so.
        expect(String((await failedWrite).msg)).toContain('kept in memory and retried');
      } finally {
        await server.start();
      }
      const report = await adminUsage(ccb);
      expect(report.total.requests).toBe(6);
    } finally {
      await ccb?.stop();
      await dir.dispose();
    }
  }, 90_000);
});
