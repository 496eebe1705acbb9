import type { Config } from '@ccb/config';
import type { PriceOf, RouterSettings } from '@ccb/router';
import { toHealthOptions } from '../health-options.js';
import { capabilitiesOf } from './provider-capabilities.js';
import type { RuntimeOverrides } from './runtime-overrides.js';

/** The router's settings from the configuration, with the operators' runtime overrides applied. */
export function routerSettings(
  config: Config,
  overrides: RuntimeOverrides,
  priceOf: PriceOf,
): RouterSettings {
  const routing = config.routing;
  return {
    strategy: routing.strategy,
    priceOf,
    affinity: routing.affinity.enabled
      ? { enabled: true, ttlInMs: routing.affinity.ttl, maxSessions: routing.affinity.max_sessions }
      : false,
    rules: routing.rules.map((rule) => ({
      name: rule.name,
      match: {
        ...(rule.match.model !== undefined ? { model: rule.match.model } : {}),
        ...(rule.match.family !== undefined ? { family: rule.match.family } : {}),
        ...(rule.match.thinking !== undefined ? { thinking: rule.match.thinking } : {}),
        ...(rule.match.min_input_tokens !== undefined ? { minInputTokens: rule.match.min_input_tokens } : {}),
      },
      ...(rule.providers !== undefined ? { providers: rule.providers } : {}),
      ...(rule.model !== undefined ? { model: rule.model } : {}),
    })),
    health: toHealthOptions(config.health),
    targets: config.providers.map((provider) => ({
      name: provider.name,
      ...overrides.effective(provider.name, provider),
      models: provider.models,
      ...subscriptionOf(provider.auth_type),
      capabilities: capabilitiesOf(provider),
    })),
  };
}

/**
 * A subscription account serves first in its tier while its windows allow: an `oauth` provider is one ccb signs in
 * to, a `passthrough` one forwards the user's own login. API keys and bearer tokens are no subscription.
 */
function subscriptionOf(authType: Config['providers'][number]['auth_type']): {
  subscription?: 'oauth' | 'client';
} {
  if (authType === 'oauth') return { subscription: 'oauth' };
  if (authType === 'passthrough') return { subscription: 'client' };
  return {};
}
