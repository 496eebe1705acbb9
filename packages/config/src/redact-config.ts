import { deepFreeze } from './_deep-freeze.js';
import type { Config } from './schema/config-schema.js';

/** What a redacted secret reads as. */
export const redactedValue = '***';

/** Header names that carry credentials by convention (Authorization, X-Api-Key, Cookie, *-Token…). */
const secretHeaderName = /auth|cookie|key|token|secret|passw|credential|session|signature/i;

/**
 * A deep, frozen copy of `config` safe to log or print: every secret is replaced by `"***"`
 * (`auth.api_keys` entries, `auth.admin_key`, `providers[].api_key`, provider `headers` whose name looks
 * secret, and client keys named in `budgets`). Structure and all other values are kept, so the output still shows what is configured.
 * A new section holding secrets must be added here.
 */
export function redactConfig(config: Config): Config {
  const copy = structuredClone(config);
  copy.auth.api_keys = copy.auth.api_keys.map(() => redactedValue);
  if (copy.auth.admin_key !== undefined) copy.auth.admin_key = redactedValue;
  for (const provider of copy.providers) {
    if (provider.api_key !== undefined) provider.api_key = redactedValue;
    for (const name of Object.keys(provider.headers)) {
      if (secretHeaderName.test(name)) provider.headers[name] = redactedValue;
    }
  }
  // A budget may name a client key by the key itself; `*` and fingerprints (12 hex digits) are not secret.
  for (const budget of copy.budgets) {
    if (budget.key !== undefined && budget.key !== '*' && !/^[0-9a-f]{12}$/.test(budget.key)) {
      budget.key = redactedValue;
    }
  }
  return deepFreeze(copy);
}
