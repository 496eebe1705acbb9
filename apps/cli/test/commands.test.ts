import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream } from '@ccb/mock-upstream';
import { afterEach, describe, expect, it } from 'vitest';
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

const validConfig = `server: { port: 0 }
auth: { api_keys: ["\${CCB_KEY}"] }
providers:
  - name: primary
    base_url: https://api.anthropic.com
    api_key: \${PRIMARY_KEY}
`;

describe('ccb --help and --version', () => {
  it('lists the commands', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of ['serve', 'demo', 'init', 'config']) expect(stdout).toContain(command);
  });

  it('prints the version', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(
      JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version,
    );
  });
});

describe('ccb config check', () => {
  it('prints the resolved configuration with every secret redacted', async () => {
    const folder = await dir();
    const file = await folder.write('ccb.yaml', validConfig);
    const { code, stdout } = await runCli(['config', 'check', '--config', file], {
      env: { CCB_KEY: 'client-secret-1', PRIMARY_KEY: 'sk-ant-provider-secret' },
    });
    expect(code).toBe(0);
    expect(stdout).toContain('primary');
    expect(stdout).toContain('max_attempts: 3');
    expect(stdout).not.toContain('client-secret-1');
    expect(stdout).not.toContain('sk-ant-provider-secret');
  });

  it('names a misspelt key with its line and the intended key', async () => {
    const folder = await dir();
    const file = await folder.write('ccb.yaml', `${validConfig}routing:\n  stratgy: weighted\n`);
    const { code, stderr } = await runCli(['config', 'check', '--config', file], {
      env: { CCB_KEY: 'a', PRIMARY_KEY: 'b' },
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/:8:3 routing\.stratgy: unknown key, did you mean strategy\?/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('names a missing environment variable and where it is used', async () => {
    const folder = await dir();
    const file = await folder.write('ccb.yaml', validConfig);
    const { code, stderr } = await runCli(['config', 'check', '--config', file], { env: { CCB_KEY: 'a' } });
    expect(code).toBe(1);
    expect(stderr).toContain('PRIMARY_KEY');
    expect(stderr).toContain('providers[0].api_key');
    expect(stderr).toMatch(/:6:/);
  });

  it('explains a wrong type', async () => {
    const folder = await dir();
    const file = await folder.write('ccb.yaml', validConfig.replace('port: 0', 'port: eighty'));
    const { code, stderr } = await runCli(['config', 'check', '--config', file], {
      env: { CCB_KEY: 'a', PRIMARY_KEY: 'b' },
    });
    expect(code).toBe(1);
    expect(stderr).toContain('server.port');
    expect(stderr).toMatch(/number/);
  });

  it('gives the parser position for broken YAML', async () => {
    const folder = await dir();
    const file = await folder.write('ccb.yaml', 'server:\n  port: [8000\nproviders: []\n');
    const { code, stderr } = await runCli(['config', 'check', '--config', file]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/:\d+:\d+/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('suggests ccb init when there is no config and no key', async () => {
    const folder = await dir();
    const { code, stderr } = await runCli(['config', 'check'], { cwd: folder.path });
    expect(code).toBe(1);
    expect(stderr).toContain('ccb init');
  });
});

describe('ccb config schema', () => {
  it('prints a JSON Schema of the configuration', async () => {
    const { code, stdout } = await runCli(['config', 'schema']);
    expect(code).toBe(0);
    const schema = JSON.parse(stdout);
    expect(schema.properties).toHaveProperty('providers');
    expect(schema.properties).toHaveProperty('routing');
  });
});

describe('ccb init', () => {
  it('writes a starter config that passes config check, and refuses to overwrite without --force', async () => {
    const folder = await dir();
    const first = await runCli(['init'], { cwd: folder.path });
    expect(first.code).toBe(0);
    expect(existsSync(join(folder.path, 'ccb.yaml'))).toBe(true);
    expect(existsSync(join(folder.path, '.env.example'))).toBe(true);
    expect(readFileSync(join(folder.path, 'ccb.yaml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=.\/ccb.schema.json/,
    );
    expect(JSON.parse(readFileSync(join(folder.path, 'ccb.schema.json'), 'utf8')).properties).toHaveProperty(
      'providers',
    );
    const check = await runCli(['config', 'check'], {
      cwd: folder.path,
      env: { ANTHROPIC_API_KEY: 'sk-test' },
    });
    expect(check.code).toBe(0);
    const again = await runCli(['init'], { cwd: folder.path });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--force');
    expect((await runCli(['init', '--force'], { cwd: folder.path })).code).toBe(0);
  });
});

describe('ccb serve', () => {
  it('refuses a non-loopback bind without client keys', async () => {
    const folder = await dir();
    const file = await folder.write(
      'ccb.yaml',
      'providers:\n  - name: p\n    base_url: http://127.0.0.1:1\n    api_key: k\n',
    );
    const { code, stderr } = await runCli(['serve', '--config', file, '--host', '0.0.0.0', '--port', '0']);
    expect(code).toBe(1);
    expect(stderr).toContain('--allow-unauthenticated');
  });

  it('serves with no subcommand, as cc-balancer users expect, and honours --allow-unauthenticated', async () => {
    const mock = await createMockUpstream({ apiKey: 'k' });
    const folder = await dir();
    const file = await folder.write(
      'ccb.yaml',
      `providers:\n  - name: p\n    base_url: ${mock.url}\n    api_key: k\n`,
    );
    const ccb = await startCcb([
      '--config',
      file,
      '--port',
      '0',
      '--host',
      '0.0.0.0',
      '--allow-unauthenticated',
    ]);
    try {
      const port = new URL(ccb.url).port;
      const client = new Anthropic({ baseURL: `http://127.0.0.1:${port}`, apiKey: 'x', maxRetries: 0 });
      const message = await client.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 16,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(message.type).toBe('message');
    } finally {
      expect(await ccb.stop()).toBe(0);
      await mock.close();
    }
  });

  it('serves api.anthropic.com with ANTHROPIC_API_KEY when there is no config file', async () => {
    const folder = await dir();
    const ccb = await startCcb(['serve', '--port', '0'], {
      cwd: folder.path,
      env: { ANTHROPIC_API_KEY: 'sk-test' },
    });
    try {
      const listening = ccb.lines.find((line) => String(line.msg).includes('listening')) as { msg: string };
      expect(listening.msg).toContain('anthropic');
      expect(JSON.stringify(ccb.lines)).not.toContain('sk-test');
    } finally {
      await ccb.stop();
    }
  });
});

describe('ccb demo', () => {
  it('starts demo upstreams and a balancer that answers the SDK without any API key', async () => {
    const ccb = await startCcb(['demo', '--port', '0', '--flaky-rate', '1']);
    try {
      const client = new Anthropic({ baseURL: ccb.url, apiKey: 'anything', maxRetries: 0 });
      for (let index = 0; index < 6; index++) {
        const final = await client.messages
          .stream({ model: 'claude-sonnet-4-6', max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] })
          .finalMessage();
        expect(final.stop_reason).toBe('end_turn');
      }
    } finally {
      await ccb.stop();
    }
  });
});
