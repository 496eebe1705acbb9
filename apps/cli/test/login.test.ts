import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createMockUpstream, type MockOAuthUpstream } from '@ccb/mock-upstream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, cliPath, runCli, tempDir } from './run-cli.js';

let mock: MockOAuthUpstream;
let dirs: Awaited<ReturnType<typeof tempDir>>[] = [];

beforeEach(async () => {
  mock = await createMockUpstream({ oauth: { clientId: 'test-client' } });
});
afterEach(async () => {
  await mock.close();
  await Promise.all(dirs.map((created) => created.dispose()));
  dirs = [];
});

async function configFolder(oauthLines = ['token_file: tokens/max.json']) {
  const folder = await tempDir();
  dirs.push(folder);
  const config = await folder.write(
    'ccb.yaml',
    [
      'providers:',
      '  - name: paid',
      `    base_url: ${mock.url}`,
      '    api_key: sk-ant-not-used',
      '  - name: max-account',
      `    base_url: ${mock.url}`,
      '    auth_type: oauth',
      '    oauth:',
      `      token_url: ${mock.oauth.tokenUrl}`,
      `      authorize_url: ${mock.oauth.authorizeUrl}`,
      '      redirect_uri: https://example.test/oauth/code/callback',
      '      client_id: test-client',
      '      scopes: user:inference user:profile',
      ...oauthLines.map((line) => `      ${line}`),
    ].join('\n'),
  );
  return { folder, config };
}

interface LoginRun {
  /** The authorize URL the CLI printed. */
  readonly url: URL;
  /** Sends a line to the CLI's stdin (what the user pastes) and waits for it to exit. */
  paste(line: string): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts `ccb login NAME` with its stdin piped and waits for the printed authorize URL and the prompt. */
async function startLogin(args: readonly string[], cwd: string): Promise<LoginRun> {
  const child = spawn(process.execPath, [cliPath, 'login', ...args], {
    cwd,
    env: cleanEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit');
  const url = await new Promise<URL>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`no prompt within 10 s; stdout: ${stdout}`)), 10_000);
    child.once('exit', () => reject(new Error(`ccb login exited before prompting: ${stdout}${stderr}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const printed = /^(http:\/\/\S+)$/m.exec(stdout);
      if (printed !== null && stdout.includes('Paste the code shown after signing in:')) {
        clearTimeout(timer);
        resolveUrl(new URL(printed[1] as string));
      }
    });
  });
  return {
    url,
    async paste(line) {
      child.stdin.end(`${line}\n`);
      const [code] = (await exited) as [number | null];
      return { code, stdout, stderr };
    },
  };
}

describe('ccb login NAME', () => {
  it('signs in with PKCE through the printed URL and writes the token file with mode 0600, printing no token', async () => {
    const { folder, config } = await configFolder();
    // Run from another folder: the token file is relative to the config file, as ledger.path is.
    const login = await startLogin(['max-account', '--config', config], '/');
    const parameters = login.url.searchParams;
    expect(`${login.url.origin}${login.url.pathname}`).toBe(mock.oauth.authorizeUrl);
    expect(Object.fromEntries(parameters)).toMatchObject({
      code: 'true',
      client_id: 'test-client',
      response_type: 'code',
      redirect_uri: 'https://example.test/oauth/code/callback',
      scope: 'user:inference user:profile',
      code_challenge_method: 'S256',
    });
    const challenge = parameters.get('code_challenge') as string;
    const state = parameters.get('state') as string;
    const code = mock.oauth.authorize({
      challenge,
      state,
      redirectUri: 'https://example.test/oauth/code/callback',
    });

    const { code: exitCode, stdout, stderr } = await login.paste(`  ${code}#${state}  `);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const tokenFile = join(folder.path, 'tokens', 'max.json');
    const lastLine = stdout.trim().split('\n').at(-1) as string;
    expect(lastLine).toContain(`Signed in provider "max-account": tokens written to ${tokenFile}`);
    expect(lastLine).toMatch(/expires at \d{4}-\d{2}-\d{2}T/);

    const written = JSON.parse(await readFile(tokenFile, 'utf8'));
    expect(written.access_token).toMatch(/^sk-ant-oat01-/);
    expect(written.refresh_token).toMatch(/^sk-ant-ort01-/);
    expect(written.scope).toBe('user:inference user:profile');
    expect(Date.parse(written.expires_at)).toBeGreaterThan(Date.now());
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    for (const secret of [written.access_token, written.refresh_token, code]) {
      expect(stdout).not.toContain(secret);
      expect(stderr).not.toContain(secret);
    }
    expect(mock.oauth.tokenRequests).toMatchObject([{ grantType: 'authorization_code', status: 200 }]);
    // The tokens work upstream.
    const answer = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${written.access_token}`,
        'anthropic-beta': 'oauth-2025-04-20',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'claude-sonnet-4-6',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(answer.status).toBe(200);
  });

  it('refuses a code from another sign-in (state mismatch) without asking the token endpoint', async () => {
    const { folder, config } = await configFolder();
    const login = await startLogin(['max-account', '--config', config], folder.path);
    const code = mock.oauth.authorize({
      challenge: login.url.searchParams.get('code_challenge') as string,
      state: 'other',
    });
    const { code: exitCode, stdout, stderr } = await login.paste(`${code}#other`);
    expect(exitCode).toBe(1);
    expect(stderr.trim()).toBe(
      'ccb: the pasted code belongs to another sign-in (its state does not match this one); run ccb login max-account again and paste the code from that sign-in',
    );
    expect(stdout + stderr).not.toContain(code);
    expect(mock.oauth.tokenRequests).toEqual([]);
    await expect(stat(join(folder.path, 'tokens', 'max.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('says invalid_grant in one line for a code the token endpoint refuses, and writes nothing', async () => {
    const { folder, config } = await configFolder();
    const login = await startLogin(['max-account', '--config', config], folder.path);
    const state = login.url.searchParams.get('state') as string;
    const { code, stdout, stderr } = await login.paste(`mockcode-forged#${state}`);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^ccb: sign-in failed: .*invalid_grant.*run ccb login max-account again/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout + stderr).not.toContain('mockcode-forged');
    expect(mock.oauth.tokenRequests).toMatchObject([
      { grantType: 'authorization_code', error: 'invalid_grant' },
    ]);
    await expect(stat(join(folder.path, 'tokens', 'max.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('says so in one line when the pasted text is not a code or nothing is pasted', async () => {
    const { folder, config } = await configFolder();
    const garbled = await startLogin(['max-account', '--config', config], folder.path);
    const notACode = await garbled.paste('just-a-code-without-state');
    expect(notACode.code).toBe(1);
    expect(notACode.stderr).toMatch(/^ccb: sign-in failed: The pasted text is not a login code/);
    expect(notACode.stderr).not.toContain('just-a-code-without-state');
    const empty = await startLogin(['max-account', '--config', config], folder.path);
    const nothing = await empty.paste('');
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/^ccb: no code was pasted/);
  });

  it('reports a token endpoint that fails as one line', async () => {
    const { folder, config } = await configFolder();
    mock.oauth.injectTokenFault({ kind: 'status', status: 503 });
    const login = await startLogin(['max-account', '--config', config], folder.path);
    const parameters = login.url.searchParams;
    const state = parameters.get('state') as string;
    const code = mock.oauth.authorize({ challenge: parameters.get('code_challenge') as string, state });
    const { code: exitCode, stderr } = await login.paste(`${code}#${state}`);
    expect(exitCode).toBe(1);
    expect(stderr.trim()).toMatch(
      /^ccb: sign-in failed: OAuth token request for provider "max-account" failed: the token endpoint answered HTTP 503/,
    );
  });

  it('names an unknown provider, a provider that is not oauth and one without token_file', async () => {
    const { config } = await configFolder();
    const unknown = await runCli(['login', 'max-acount', '--config', config]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe(
      `ccb: no provider "max-acount" in ${config}; did you mean max-account?`,
    );
    expect(unknown.stdout).toBe('');
    const notOAuth = await runCli(['login', 'paid', '--config', config]);
    expect(notOAuth.code).toBe(1);
    expect(notOAuth.stderr).toMatch(
      /^ccb: provider "paid" has auth_type api_key; ccb login is for auth_type oauth providers/,
    );
    const inline = await configFolder(['access_token: sk-ant-oat01-inline-secret']);
    const noFile = await runCli(['login', 'max-account', '--config', inline.config]);
    expect(noFile.code).toBe(1);
    expect(noFile.stderr).toMatch(/^ccb: provider "max-account" has no oauth.token_file/);
    expect(noFile.stderr + noFile.stdout).not.toContain('sk-ant-oat01-inline-secret');
    const missing = await runCli(['login', '--config', config]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^ccb: .*NAME/);
  });
});
