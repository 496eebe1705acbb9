import { parseConfig } from '@ccb/config';
import { describe, expect, it } from 'vitest';
import { subscriptionPoolWarning } from './oauth-pool-warning.js';

const account = (name: string) =>
  `  - name: ${name}\n    auth_type: oauth\n    oauth: { access_token: token-${name} }\n`;

describe('subscriptionPoolWarning', () => {
  it('warns once about a pool of subscription accounts, naming them, and never about one', () => {
    const pool = parseConfig(
      `routing: { allow_subscription_pool: true }\nproviders:\n${account('max-1')}${account('max-2')}  - name: key\n    api_key: k\n`,
      { env: {} },
    );
    const warning = subscriptionPoolWarning(pool);
    expect(warning).toContain('2 Claude subscription accounts are pooled (max-1, max-2)');
    expect(warning).toContain("Anthropic's terms");
    expect(warning).not.toContain('token-');
    expect(
      subscriptionPoolWarning(parseConfig(`providers:\n${account('max')}`, { env: {} })),
    ).toBeUndefined();
  });
});
