import { deepFreeze } from './_deep-freeze.js';
import { forEachSecret } from './_for-each-secret.js';
import { formatPath } from './_format-path.js';
import type { Config } from './schema/config-schema.js';

/** True for `*` and for a key fingerprint: ways a budget names client keys that are not secrets themselves. */
export { isPublicKeyReference } from './_for-each-secret.js';

/** What a redacted secret reads as. */
export const redactedValue = '***';

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
