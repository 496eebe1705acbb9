import { claudeOAuth } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import { minimal, parseError } from '../test/_parse-config-fixture.js';
import { parseConfig } from './parse-config.js';
import { redactConfig } from './redact-config.js';

const oauthProvider = (oauth: string, name = 'max') =>
  `  - name: ${name}\n    auth_type: oauth\n    oauth: ${oauth}\n`;

describe('parseConfig: subscription accounts and shared state', () => {
  it('resolves an oauth provider with Claude Code’s endpoints and the first-party API by default', () => {
    const config = parseConfig(`providers:\n${oauthProvider('{ token_file: ccb-oauth-max.json }')}`, {
      env: {},
    });
    const provider = config.providers[0];
    expect(provider?.base_url).toBe('https://api.anthropic.com');
    expect(provider?.oauth).toEqual({
      token_file: 'ccb-oauth-max.json',
      refresh_before: 300_000,
      token_url: claudeOAuth.tokenUrl,
      authorize_url: claudeOAuth.authorizeUrl,
      redirect_uri: claudeOAuth.redirectUri,
      client_id: claudeOAuth.clientId,
      scopes: claudeOAuth.scopes,
    });
  });

  it('takes inline tokens with an ISO expiry, and redacts them', () => {
    const config = parseConfig(
      `providers:\n${oauthProvider('{ access_token: "${AT}", refresh_token: "${RT}", token_file: t.json, expires_at: "2026-12-06T12:00:00Z" }')}`,
      { env: { AT: 'sk-ant-oat01-secret', RT: 'sk-ant-ort01-secret' } },
    );
    expect(config.providers[0]?.oauth?.expires_at).toBe(Date.parse('2026-12-06T12:00:00Z'));
    const shown = JSON.stringify(redactConfig(config));
    expect(shown).not.toContain('oat01-secret');
    expect(shown).not.toContain('ort01-secret');
  });

  it('explains what an oauth provider lacks or has too much of', () => {
    const messages = (text: string) =>
      parseError(`providers:\n${text}`).issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(messages('  - name: max\n    auth_type: oauth\n')).toEqual([
      'providers[0].oauth: is required for auth_type oauth: e.g. oauth: { token_file: ccb-oauth-NAME.json } (then run ccb login NAME)',
    ]);
    expect(messages(oauthProvider('{}'))).toEqual([
      'providers[0].oauth: needs token_file (written by ccb login NAME) or an access_token (e.g. ${CLAUDE_CODE_OAUTH_TOKEN})',
    ]);
    expect(messages(oauthProvider('{ refresh_token: r }'))).toEqual([
      'providers[0].oauth.token_file: is required with refresh_token: refresh tokens rotate, and the new one must be kept where a restart finds it',
    ]);
    expect(messages(`${oauthProvider('{ access_token: a, expires_at: tomorrow }')}    api_key: k\n`)).toEqual(
      [
        'providers[0].oauth.expires_at: must be an ISO 8601 time such as "2026-12-06T12:00:00Z"; got "tomorrow"',
        'providers[0].api_key: must be absent for auth_type oauth, whose tokens are in oauth:',
      ],
    );
    expect(messages('  - name: k\n    api_key: k\n    oauth: { access_token: a }\n')).toEqual([
      'providers[0].oauth: is only for auth_type oauth (this provider has auth_type api_key)',
    ]);
  });

  it('refuses a pool of subscription accounts unless routing.allow_subscription_pool says so', () => {
    const two = `${oauthProvider('{ access_token: a }', 'one')}${oauthProvider('{ access_token: b }', 'two')}`;
    const error = parseError(`providers:\n${two}`);
    expect(error.issues[0]?.path).toBe('providers[1].auth_type');
    expect(error.issues[0]?.message).toContain('allow_subscription_pool');
    const allowed = parseConfig(`routing:\n  allow_subscription_pool: true\nproviders:\n${two}`, { env: {} });
    expect(allowed.providers.map((provider) => provider.auth_type)).toEqual(['oauth', 'oauth']);
  });

  it('needs a Redis URL for the redis store and a postgres URL for a shared ledger, and hides both', () => {
    expect(parseError(`state: { store: redis }\n${minimal}`).issues[0]?.message).toBe(
      'is required for store: redis, e.g. url: ${REDIS_URL}',
    );
    expect(parseError(`ledger: { url: "mysql://x" }\n${minimal}`).issues[0]?.message).toBe(
      'must be a postgres:// or postgresql:// URL',
    );
    const config = parseConfig(
      `state: { store: redis, url: "redis://:pw1@127.0.0.1:6379" }\nledger: { url: "postgres://u:pw2@127.0.0.1/ccb" }\n${minimal}`,
      { env: {} },
    );
    expect(config.state).toEqual({ store: 'redis', url: 'redis://:pw1@127.0.0.1:6379', key_prefix: 'ccb:' });
    const shown = JSON.stringify(redactConfig(config));
    expect(shown).not.toContain('pw1');
    expect(shown).not.toContain('pw2');
  });
});
