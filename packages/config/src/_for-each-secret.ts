import type { Config } from './schema/config-schema.js';

/** Header names that carry credentials by convention (Authorization, X-Api-Key, Cookie, *-Token…). */
export const secretHeaderName = /auth|cookie|key|token|secret|passw|credential|session|signature/i;

/** A client key fingerprint as ccb logs it (12 hex digits): names a key without revealing it. */
const keyFingerprintPattern = /^[0-9a-f]{12}$/;

/** True for `*` and for a key fingerprint: ways a budget names client keys that are not secrets themselves. */
export function isPublicKeyReference(key: string): boolean {
  return key === '*' || keyFingerprintPattern.test(key);
}

/** Where a secret sits: the object or array holding it, and its key or index there. */
export type SecretVisitor = (
  holder: Record<string | number, unknown>,
  field: string | number,
  path: readonly PropertyKey[],
) => void;

/**
 * Calls `visit(holder, field, path)` for every place in `config` that holds a secret: `auth.api_keys` and
 * `auth.admin_key` entries, `auth.fingerprint_secret`, `providers[].api_key`, `aws` keys, `oauth` tokens and `gcp.access_token`, `ledger.url` and `state.url` (they may carry a password), provider `headers` whose name looks
 * secret, and client keys named in `budgets`; `path` is where it sits (`providers[0].api_key`). The one definition of
 * what is secret (redaction, secret lists and config diffs all use it): a new section holding secrets is added here.
 */
export function forEachSecret(config: Config, visit: SecretVisitor): void {
  const clientKeys = config.auth.api_keys as unknown as Record<number, unknown>;
  for (let index = 0; index < config.auth.api_keys.length; index++) {
    visit(clientKeys, index, ['auth', 'api_keys', index]);
  }
  // A single admin key is usually written as one string: name it as written, `auth.admin_key`.
  const adminKeys = config.auth.admin_key as unknown as Record<number, unknown>;
  const single = config.auth.admin_key.length === 1;
  for (let index = 0; index < config.auth.admin_key.length; index++) {
    visit(adminKeys, index, single ? ['auth', 'admin_key'] : ['auth', 'admin_key', index]);
  }
  if (config.auth.fingerprint_secret !== undefined) {
    visit(config.auth, 'fingerprint_secret', ['auth', 'fingerprint_secret']);
  }
  config.providers.forEach((provider, index) => {
    if (provider.api_key !== undefined) visit(provider, 'api_key', ['providers', index, 'api_key']);
    const oauth = provider.oauth;
    if (oauth?.access_token !== undefined) {
      visit(oauth, 'access_token', ['providers', index, 'oauth', 'access_token']);
    }
    if (oauth?.refresh_token !== undefined) {
      visit(oauth, 'refresh_token', ['providers', index, 'oauth', 'refresh_token']);
    }
    const aws = provider.aws;
    if (aws !== undefined) {
      for (const field of ['access_key_id', 'secret_access_key', 'session_token'] as const) {
        if (aws[field] !== undefined) visit(aws, field, ['providers', index, 'aws', field]);
      }
    }
    if (provider.gcp?.access_token !== undefined) {
      visit(provider.gcp, 'access_token', ['providers', index, 'gcp', 'access_token']);
    }
    for (const name of Object.keys(provider.headers)) {
      if (secretHeaderName.test(name)) visit(provider.headers, name, ['providers', index, 'headers', name]);
    }
  });
  if (config.ledger.url !== undefined) visit(config.ledger, 'url', ['ledger', 'url']);
  if (config.state.url !== undefined) visit(config.state, 'url', ['state', 'url']);
  config.budgets.forEach((budget, index) => {
    if (budget.key !== undefined && !isPublicKeyReference(budget.key)) {
      visit(budget, 'key', ['budgets', index, 'key']);
    }
  });
}
