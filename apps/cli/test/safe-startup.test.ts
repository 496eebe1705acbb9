import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCcb, tempDir } from './run-cli.js';

let dirs: Awaited<ReturnType<typeof tempDir>>[] = [];
async function dir() {
  const created = await tempDir();
  dirs.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(dirs.map((created) => created.dispose()));
  dirs = [];
});

const longKey = 'client-key-0123456789abcdef';
const providerKey = 'sk-provider-key-0123456789';
const provider = (url = 'http://127.0.0.1:1') =>
  `providers:\n  - name: p\n    base_url: ${url}\n    api_key: ${providerKey}\n`;

/** Messages of the log lines a serving ccb wrote. */
const messages = (lines: readonly Record<string, unknown>[]) => lines.map((line) => String(line.msg));

describe('ccb serve refuses to expose itself unprotected', () => {
  it('serves a non-loopback bind with client keys but no admin key: the admin routes then answer loopback only', async () => {
    const mock = await createMockUpstream({ apiKey: providerKey });
    const folder = await dir();
    const file = await folder.write('ccb.yaml', `auth: { api_keys: [${longKey}] }\n${provider(mock.url)}`);
    const ccb = await startCcb(['serve', '--config', file, '--port', '0', '--host', '0.0.0.0']);
    try {
      const port = new URL(ccb.url).port;
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
      // Relayed by a proxy on this machine: not a loopback client (test/admin-access.test.ts covers real peers).
      const relayed = await fetch(`http://127.0.0.1:${port}/metrics`, {
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      expect(relayed.status).toBe(401);
      expect(messages(ccb.lines).join('\n')).not.toContain('--allow-open-admin');
    } finally {
      expect(await ccb.stop()).toBe(0);
      await mock.close();
    }
  });

  it('opens them beyond loopback with --allow-open-admin, a flag the strict command line knows, and warns', async () => {
    const mock = await createMockUpstream({ apiKey: providerKey });
    const folder = await dir();
    const file = await folder.write('ccb.yaml', `auth: { api_keys: [${longKey}] }\n${provider(mock.url)}`);
    const ccb = await startCcb([
      'serve',
      '--config',
      file,
      '--port',
      '0',
      '--host',
      '0.0.0.0',
      '--allow-open-admin',
    ]);
    try {
      const port = new URL(ccb.url).port;
      const relayed = await fetch(`http://127.0.0.1:${port}/metrics`, {
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      expect(relayed.status).toBe(200);
      expect(messages(ccb.lines)).toContainEqual(
        expect.stringMatching(
          /^\/metrics and \/admin\/\* answer anyone who can reach 0\.0\.0\.0 \(--allow-open-admin/,
        ),
      );
    } finally {
      expect(await ccb.stop()).toBe(0);
      await mock.close();
    }
    const typo = await runCli(['serve', '--config', file, '--allow-open-admn']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean --allow-open-admin?');
  });

  it('refuses client or admin keys under 16 characters beyond loopback, naming them and never their values', async () => {
    const folder = await dir();
    const file = await folder.write(
      'ccb.yaml',
      `auth:\n  api_keys: [${longKey}, short-key-1]\n  admin_key: admin-short\n${provider()}`,
    );
    const { code, stderr } = await runCli(['serve', '--config', file, '--host', '0.0.0.0', '--port', '0']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'ccb: refusing to listen on 0.0.0.0 with keys shorter than 16 characters: auth.api_keys[1] (11 characters), ' +
        'auth.admin_key (11 characters); anyone who can reach it could guess them. Use random keys of 16 characters ' +
        'or more, e.g. `openssl rand -hex 24`, or bind to 127.0.0.1.\n',
    );
  });

  it('warns at startup about a client key under 16 characters on loopback, and serves', async () => {
    const folder = await dir();
    const file = await folder.write(
      'ccb.yaml',
      `auth: { api_keys: [${longKey}, short-key-1] }\n${provider()}`,
    );
    const ccb = await startCcb(['serve', '--config', file, '--port', '0']);
    try {
      const warnings = ccb.lines.filter((line) => line.level === 'warn').map((line) => String(line.msg));
      expect(warnings).toContainEqual(
        'auth.api_keys[1] is 11 characters: a key under 16 characters can be guessed, and ccb refuses it when listening beyond loopback; use random keys of 16 characters or more, e.g. `openssl rand -hex 24`',
      );
      expect(JSON.stringify(ccb.lines)).not.toContain('short-key-1');
    } finally {
      await ccb.stop();
    }
  });
});

describe('the startup line', () => {
  let mock: MockUpstream;
  beforeAll(async () => {
    mock = await createMockUpstream({ apiKey: providerKey });
  });
  afterAll(async () => {
    await mock.close();
  });

  it('names the config file read and the host each provider sends to', async () => {
    const folder = await dir();
    // A config found by lookup in the working directory, as when serving in a folder someone else prepared.
    const file = await folder.write(
      'config.yaml',
      `${provider(mock.url)}  - name: glm\n    base_url: https://open.bigmodel.cn/api/anthropic\n    api_key: k2\n  - name: off\n    base_url: https://off.example\n    api_key: k3\n    enabled: false\n`,
    );
    const ccb = await startCcb(['serve', '--port', '0'], { cwd: folder.path });
    try {
      const line = messages(ccb.lines).find((message) => message.startsWith('ccb listening on'));
      expect(line).toBe(
        `ccb listening on ${ccb.url} · config: ${file} · providers: p (${new URL(mock.url).host}), glm (open.bigmodel.cn) · strategy: weighted`,
      );
    } finally {
      await ccb.stop();
    }
  });

  it('says when there is no config file, and where $ANTHROPIC_API_KEY goes', async () => {
    const folder = await dir();
    const ccb = await startCcb(['serve', '--port', '0'], {
      cwd: folder.path,
      env: { ANTHROPIC_API_KEY: 'sk-test-key-from-env' },
    });
    try {
      const line = messages(ccb.lines).find((message) => message.startsWith('ccb listening on'));
      expect(line).toBe(
        `ccb listening on ${ccb.url} · config: none, $ANTHROPIC_API_KEY to api.anthropic.com · providers: anthropic (api.anthropic.com) · strategy: weighted`,
      );
      expect(JSON.stringify(ccb.lines)).not.toContain('sk-test-key-from-env');
    } finally {
      await ccb.stop();
    }
  });
});

describe('the fingerprint secret', () => {
  it('is generated once beside the ledger, mode 0600, and reused at the next start', async () => {
    const folder = await dir();
    const file = await folder.write(
      'ccb.yaml',
      `auth: { api_keys: [${longKey}] }\nledger: { path: data/ledger.sqlite }\n${provider()}`,
    );
    const keyFile = join(folder.path, 'data', 'ccb-fingerprint.key');
    const first = await startCcb(['serve', '--config', file, '--port', '0']);
    await first.stop();
    expect(messages(first.lines)).toContain(
      `created ${keyFile}: the secret keying client-key fingerprints; keep it with the ledger`,
    );
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const second = await startCcb(['serve', '--config', file, '--port', '0']);
    await second.stop();
    expect(messages(second.lines).some((message) => message.includes('ccb-fingerprint.key'))).toBe(false);
  });

  it('is per process, with a note, when the ledger is in memory', async () => {
    const folder = await dir();
    const file = await folder.write(
      'ccb.yaml',
      `auth: { api_keys: [${longKey}] }\nledger: { path: ":memory:" }\n${provider()}`,
    );
    const ccb = await startCcb(['serve', '--config', file, '--port', '0']);
    await ccb.stop();
    expect(messages(ccb.lines)).toContain(
      'client-key fingerprints (logs, metrics, ledger, budgets) change at every start, as the ledger is off or in memory: set auth.fingerprint_secret to keep them',
    );
  });
});
