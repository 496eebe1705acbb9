import type { Config } from '@ccb/config';

const secretHeader = /authorization|key|token|secret|cookie/i;

/** Every secret value in a configuration, so the logger can redact it wherever it would appear. */
export function configSecrets(config: Config): string[] {
  const secrets = [...config.auth.api_keys];
  if (config.auth.admin_key !== undefined) secrets.push(config.auth.admin_key);
  for (const provider of config.providers) {
    if (provider.api_key !== undefined) secrets.push(provider.api_key);
    for (const [name, value] of Object.entries(provider.headers))
      if (secretHeader.test(name)) secrets.push(value);
  }
  for (const budget of config.budgets) {
    if (budget.key !== undefined && budget.key !== '*' && !/^[0-9a-f]{12}$/.test(budget.key))
      secrets.push(budget.key);
  }
  return secrets.filter((secret) => secret.length > 0);
}
