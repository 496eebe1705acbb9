import type { Config } from '@ccb/config';

/**
 * The startup warning for a pool of subscription accounts (`routing.allow_subscription_pool: true` with more than one
 * `auth_type: oauth` provider), or `undefined` when there is none. The config refuses a pool without that setting;
 * with it, the operator still hears once what Anthropic's terms say.
 */
export function subscriptionPoolWarning(config: Config): string | undefined {
  const accounts = config.providers.filter((provider) => provider.auth_type === 'oauth');
  if (accounts.length < 2) return undefined;
  return `${accounts.length} Claude subscription accounts are pooled (${accounts.map((provider) => provider.name).join(', ')}): Anthropic's terms reserve a subscription for its owner's own use of Claude Code and Claude.ai, and pooling accounts to serve other people is against them; sessions stay on one account each`;
}
