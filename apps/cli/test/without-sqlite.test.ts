import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLedger } from '@ccb/ledger';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerRow } from './ledger-row.js';
import { runCli, startCcb, tempDir } from './run-cli.js';

/** The environment of a ccb that cannot load SQLite (see without-sqlite.cjs). */
const withoutSqlite = {
  NODE_OPTIONS: `--require "${resolve(import.meta.dirname, 'without-sqlite.cjs')}"`,
};
const admin = 'admin-key-for-tests';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function mock(): Promise<MockUpstream> {
  const upstream = await createMockUpstream({ name: 'a', apiKey: 'key-a' });
  cleanups.push(() => upstream.close());
  return upstream;
}

async function configFile(yaml: string): Promise<{ file: string; dir: string }> {
  const dir = await tempDir();
  cleanups.push(() => dir.dispose());
  return { file: await dir.write('ccb.yaml', yaml), dir: dir.path };
}

const provider = (url: string) => `providers:\n  - name: a\n    base_url: ${url}\n    api_key: key-a\n`;

/** A line the CLI printed on its own: one line, no stack frames. */
function expectOneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0] as string;
}

describe('ccb on a machine where SQLite cannot be loaded', () => {
  it('serves, says once that the ledger is off and why, and answers /admin/usage with a 503', async () => {
    const upstream = await mock();
    const { file, dir } = await configFile(`auth: { admin_key: ${admin} }\n${provider(upstream.url)}`);
    const ccb = await startCcb(['serve', '--config', file, '--port', '0'], { env: withoutSqlite });
    cleanups.push(() => ccb.stop());

    const answer = await request(`${ccb.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'claude-sonnet-4-6',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(answer.statusCode).toBe(200);
    await answer.body.json();
    expect(upstream.requests).toHaveLength(1);

    const ledgerLines = ccb.lines.filter((line) => String(line.msg).includes('ledger'));
    expect(ledgerLines).toHaveLength(1);
    expect(ledgerLines[0]).toMatchObject({ level: 'warn' });
    expect(ledgerLines[0]?.msg).toMatch(
      /^ledger off: No SQLite library could be loaded \(libsql: Cannot find module '@libsql\//,
    );
    expect(ledgerLines[0]?.msg).not.toContain('\n');

    const usage = await request(`${ccb.url}/admin/usage?since=1h`, { headers: { 'x-api-key': admin } });
    expect(usage.statusCode).toBe(503);
    expect(await usage.body.json()).toEqual({
      type: 'error',
      error: {
        type: 'api_error',
        message: expect.stringMatching(/^the usage ledger is off: No SQLite library/),
      },
    });
    expect(existsSync(join(dir, 'ccb-ledger.sqlite'))).toBe(false);
  });

  it('refuses a config with budgets at startup, in one line', async () => {
    const { file } = await configFile(
      `budgets:\n  - { provider: a, daily_usd: 5 }\n${provider('http://127.0.0.1:9')}`,
    );
    const { code, stdout, stderr } = await runCli(['serve', '--config', file, '--port', '0'], {
      env: withoutSqlite,
    });
    expect(code).toBe(1);
    expect(stdout).not.toContain('listening');
    expect(expectOneLine(stderr)).toMatch(
      /^ccb: budgets need the usage ledger, which cannot open: No SQLite library could be loaded .* set ledger\.enabled: false/,
    );
  });

  it('makes ccb usage say so in one line and exit 1, where it reads the same ledger with SQLite', async () => {
    const { file, dir } = await configFile(provider('http://127.0.0.1:9'));
    const ledger = createLedger({ path: join(dir, 'ccb-ledger.sqlite') });
    ledger.record(ledgerRow({ time: Date.now(), provider: 'a' }));
    ledger.close();

    const refused = await runCli(['usage', '--config', file], { env: withoutSqlite });
    expect(refused.code).toBe(1);
    expect(expectOneLine(refused.stderr)).toMatch(
      /^ccb: cannot read the usage ledger at .*ccb-ledger\.sqlite: No SQLite library could be loaded \(libsql: Cannot find module '@libsql\/.*node:sqlite: .*Node\.js 22\.13 or later/,
    );
    const read = await runCli(['usage', '--config', file]);
    expect(read.code).toBe(0);
    expect(read.stdout).toMatch(/\ba\s+1\s/);
  });
});
