import { deepFreeze } from './_deep-freeze.js';
import { formatPath } from './_format-path.js';
import type { Config } from './schema/config-schema.js';

/** What a redacted secret reads as. */
export const redactedValue = '***';

/** Header names that carry credentials by convention (Authorization, X-Api-Key, Cookie, *-Token…). */
const secretHeaderName = /auth|cookie|key|token|secret|passw|credential|session|signature/i;

/** A client key fingerprint as ccb logs it (12 hex digits): names a key without revealing it. */
const keyFingerprintPattern = /^[0-9a-f]{12}$/;

/** True for `*` and for a key fingerprint: ways a budget names client keys that are not secrets themselves. */
export function isPublicKeyReference(key: string): boolean {
  return key === '*' || keyFingerprintPattern.test(key);
}

/**
 * Calls `visit(holder, field, path)` for every place in `config` that holds a secret: `auth.api_keys` entries,
 * `auth.admin_key`, `auth.fingerprint_secret`, `providers[].api_key`, provider `headers` whose name looks secret, and client keys named in
 * `budgets`; `path` is where it sits (`providers[0].api_key`). The one definition of what is secret: a new section
 * holding secrets is added here.
 */
function forEachSecret(
  config: Config,
  visit: (
    holder: Record<string | number, unknown>,
    field: string | number,
    path: readonly PropertyKey[],
  ) => void,
): void {
  const clientKeys = config.auth.api_keys as unknown as Record<number, unknown>;
  for (let index = 0; index < config.auth.api_keys.length; index++) {
    visit(clientKeys, index, ['auth', 'api_keys', index]);
  }
  if (config.auth.admin_key !== undefined) visit(config.auth, 'admin_key', ['auth', 'admin_key']);
  if (config.auth.fingerprint_secret !== undefined) {
    visit(config.auth, 'fingerprint_secret', ['auth', 'fingerprint_secret']);
  }
  config.providers.forEach((provider, index) => {
    if (provider.api_key !== undefined) visit(provider, 'api_key', ['providers', index, 'api_key']);
    for (const name of Object.keys(provider.headers)) {
      if (secretHeaderName.test(name)) visit(provider.headers, name, ['providers', index, 'headers', name]);
    }
  });
  config.budgets.forEach((budget, index) => {
    if (budget.key !== undefined && !isPublicKeyReference(budget.key)) {
      visit(budget, 'key', ['budgets', index, 'key']);
    }
  });
}

/**
 * A deep, frozen copy of `config` safe to log or print: every secret is replaced by `"***"`. Structure and all
 * other values are kept, so the output still shows what is configured.
 */
export function redactConfig(config: Config): Config {
  const copy = structuredClone(config);
  forEachSecret(copy, (holder, field) => {
    holder[field] = redactedValue;
  });
  return deepFreeze(copy);
}

/** One secret of a configuration and where it sits, so a warning can name the field without showing the value. */
export interface ConfigSecret {
  /** As users read their config: `auth.api_keys[0]`, `providers[1].headers.Authorization`. */
  readonly path: string;
  readonly value: string;
}

/** Every non-empty secret field of `config`, in config order (a value set in two fields appears twice). */
export function configSecretFields(config: Config): ConfigSecret[] {
  const fields: ConfigSecret[] = [];
  forEachSecret(config, (holder, field, path) => {
    const value = holder[field];
    if (typeof value === 'string' && value !== '') fields.push({ path: formatPath(path), value });
  });
  return fields;
}

/** Every secret value in `config` (non-empty, once each), so a logger can scrub them from anything it writes. */
export function configSecrets(config: Config): string[] {
  return [...new Set(configSecretFields(config).map((secret) => secret.value))];
}
